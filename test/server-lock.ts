/**
 * The advisory lock the test files that use GODWIT_TEST_DB_URL hold while they run, so that
 * they never run at once: test/adversarial-trace.test.ts compares the whole cluster before and
 * after each attack, and must not see another file's databases and roles come and go.
 */
export const SERVER_TEST_LOCK = 72_635_411;
