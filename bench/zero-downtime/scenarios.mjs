/**
 * The scenarios: one per planner (the seeds' "Common Migration Scenarios" and the rest of
 * godwit's plan kinds). Each has the schema it starts from (the migration history godwit
 * plans with), its data, the migration as a developer would write it (the naive run) and the
 * down migration they would write for it, and the application before and after the change:
 * the old code keeps the old names until the switch, the new code uses the new ones.
 *
 *   tables      base tables to create and fill (`main` tables get `rows` rows, the others a few)
 *   untouched   per table, the rows the load never writes (updates go to ids 1..hot, inserts above rows)
 *   equal       invariants between old and new columns (dual writes), checked after every step
 *               once the plan's backfill is done, when the columns they name exist: the count must be 0
 *   switchBack  what an operator runs before the old code returns, when the new code wrote values
 *               the old schema cannot hold (a type change's rollback refuses until then)
 *   needs       a program the plan's commands run (pg_repack): without it the scenario is not run, and says so
 */

const q = (text, ...values) => ({ text, values });

// ---------------------------------------------------------------- tables

const TABLES = {
  users: {
    ddl: `CREATE TABLE users (
  id bigserial PRIMARY KEY,
  email text NOT NULL,
  name text,
  first_name text NOT NULL,
  last_name text NOT NULL,
  handle text NOT NULL,
  code text NOT NULL,
  legacy_note text,
  created_at timestamptz NOT NULL DEFAULT now()
)`,
    indexes: ['CREATE INDEX users_email_idx ON users (email)'],
    fill: (n) => `INSERT INTO users (email, name, first_name, last_name, handle, code, legacy_note, created_at)
SELECT 'user' || i || '@mail' || (i % 50) || '.example', 'User ' || i, 'First' || i, 'Last' || (i % 1000), 'h' || i, 'c' || (i % 99991), 'note ' || i,
       timestamptz '2024-01-01' + i * interval '1 second'
  FROM generate_series(1, ${n}) AS i`,
  },
  events: {
    ddl: `CREATE TABLE events (
  id bigserial PRIMARY KEY,
  user_id bigint,
  kind text NOT NULL,
  payload text,
  created_at timestamptz NOT NULL DEFAULT now()
)`,
    indexes: [],
    fill: (n) => `INSERT INTO events (user_id, kind, payload, created_at)
SELECT i % 1000 + 1, CASE WHEN i % 3 = 0 THEN 'debug' ELSE 'click' END, 'payload ' || i, timestamptz '2024-01-01' + i * interval '1 second'
  FROM generate_series(1, ${n}) AS i`,
  },
  legacy_events: {
    ddl: `CREATE TABLE legacy_events (
  id bigserial PRIMARY KEY,
  user_id bigint,
  payload text
)`,
    indexes: [],
    fill: (n) => `INSERT INTO legacy_events (user_id, payload) SELECT i % 1000 + 1, 'legacy ' || i FROM generate_series(1, ${n}) AS i`,
  },
  orders: {
    ddl: `CREATE TABLE orders (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL,
  total numeric(10, 2) NOT NULL,
  status text NOT NULL
)`,
    indexes: ['CREATE INDEX orders_user_id_idx ON orders (user_id)'],
    // user ids stay below the users table's size, so a foreign key to users holds
    fill: (n, s) => `INSERT INTO orders (user_id, total, status)
SELECT i % ${s.userRows} + 1, (i % 500) + 0.99, CASE WHEN i % 4 = 0 THEN 'paid' ELSE 'open' END
  FROM generate_series(1, ${n}) AS i`,
  },
  accounts: {
    ddl: `CREATE TABLE accounts (
  id serial PRIMARY KEY,
  owner text NOT NULL,
  balance integer NOT NULL DEFAULT 0
)`,
    indexes: [],
    fill: (n) => `INSERT INTO accounts (owner, balance) SELECT 'owner ' || i, i % 100000 FROM generate_series(1, ${n}) AS i`,
  },
  transfers: {
    ddl: `CREATE TABLE transfers (
  id bigserial PRIMARY KEY,
  account_id integer NOT NULL REFERENCES accounts (id),
  amount integer NOT NULL,
  note text
)`,
    indexes: ['CREATE INDEX transfers_account_id_idx ON transfers (account_id)'],
    fill: (n, s) => `INSERT INTO transfers (account_id, amount, note) SELECT i % ${s.accountRows} + 1, i % 1000, 'transfer ' || i FROM generate_series(1, ${n}) AS i`,
  },
  // a second table that references accounts: the column nullable, without an index
  holds: {
    ddl: `CREATE TABLE holds (
  id bigserial PRIMARY KEY,
  account_id integer REFERENCES accounts (id),
  reason text
)`,
    indexes: [],
    fill: (n, s) => `INSERT INTO holds (account_id, reason) SELECT CASE WHEN i % 7 = 0 THEN NULL ELSE i % ${s.accountRows} + 1 END, 'hold ' || i FROM generate_series(1, ${n}) AS i`,
  },
};

// ---------------------------------------------------------------- application code

const BIG = 3_000_000_000; // beyond integer

/** The users application; `o` changes what one version reads and writes. */
function usersApp(o = {}) {
  const email = o.email ?? 'email';
  const readCols = ['id', email, 'name', ...(o.read ?? [])].join(', ');
  const insertCols = (r, s) => ({
    [email]: `n${s.seq}@mail${r.int(0, 49)}.example`,
    name: `New ${s.seq}`,
    first_name: `F${s.seq}`,
    last_name: `L${r.int(0, 999)}`,
    handle: `n${s.seq++}-${r.int(0, 1e9)}`,
    code: `n${r.int(0, 99999)}`,
    ...(o.legacy === false ? {} : { legacy_note: 'new note' }),
    ...(o.insert ? o.insert(r, s) : {}),
  });
  const update = (r) => ({ name: `User ${r.int(0, 1e6)}`, ...(o.update ? o.update(r) : { [email]: `upd${r.int(0, 1e6)}@mail${r.int(0, 49)}.example` }) });
  return {
    read: (r, s) => [q(`SELECT ${readCols} FROM users WHERE id = $1`, r.int(1, s.rows))],
    update: (r, s) => {
      const set = update(r);
      const cols = Object.keys(set);
      return [q(`UPDATE users SET ${cols.map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE id = $1`, r.int(1, s.hot), ...Object.values(set))];
    },
    insert: (r, s) => {
      const vals = insertCols(r, s);
      const cols = Object.keys(vals);
      return [q(`INSERT INTO users (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`, ...Object.values(vals))];
    },
    other: o.other ?? ((r) => [q('INSERT INTO events (user_id, kind, payload) VALUES ($1, $2, $3)', r.int(1, 1000), 'click', 'app')]),
  };
}

function ordersApp({ table = 'orders', valid = false } = {}) {
  return {
    read: (r, s) => [q(`SELECT id, user_id, total, status FROM ${table} WHERE id = $1`, r.int(1, s.rows))],
    update: (r, s) => [q(`UPDATE ${table} SET status = $2, total = $3 WHERE id = $1`, r.int(1, s.hot), r.pick(['open', 'paid', 'sent']), r.int(0, 500) + 0.5)],
    insert: (r, s) => [q(`INSERT INTO ${table} (user_id, total, status) VALUES ($1, $2, 'open') RETURNING id`, r.int(1, valid ? s.userRows : s.userRows), r.int(0, 900) + 0.25)],
    other: (r) => [q(`SELECT count(*) FROM ${table} WHERE user_id = $1`, r.int(1, 1000))],
  };
}

function accountsApp({ big = false, bigKeys = false, holds = false } = {}) {
  const balance = (r) => (big && r.next() < 0.3 ? BIG + r.int(0, 1e6) : r.int(0, 100000));
  return {
    read: (r, s) => [q('SELECT id, owner, balance FROM accounts WHERE id = $1', r.int(1, s.rows))],
    update: (r, s) => [q('UPDATE accounts SET balance = $2 WHERE id = $1', r.int(1, s.hot), balance(r))],
    insert: (r, s) => {
      if (bigKeys && r.next() < 0.5) {
        // the key has passed integer's range: new rows with ids above it, and transfers that reference them
        const id = BIG + s.seq++;
        return [
          q('INSERT INTO accounts (id, owner, balance) VALUES ($1, $2, $3)', id, `big ${id}`, balance(r)),
          q('INSERT INTO transfers (account_id, amount, note) VALUES ($1, $2, $3)', id, r.int(0, 999), 'big'),
          ...(holds ? [q('INSERT INTO holds (account_id, reason) VALUES ($1, $2)', id, 'big')] : []),
        ];
      }
      return [q('INSERT INTO accounts (owner, balance) VALUES ($1, $2)', `new ${s.seq++}`, balance(r))];
    },
    other: (r, s) => [
      q('INSERT INTO transfers (account_id, amount, note) VALUES ($1, $2, $3)', r.int(1, s.accountRows), r.int(0, 999), 'app'),
      ...(holds ? [q('INSERT INTO holds (account_id, reason) VALUES ($1, $2)', r.next() < 0.2 ? null : r.int(1, s.accountRows), 'app')] : []),
    ],
  };
}

function eventsApp() {
  return {
    read: (r, s) => [q('SELECT id, kind, payload FROM events WHERE id = $1', r.int(1, s.rows))],
    update: (r, s) => [q('UPDATE events SET payload = $2 WHERE id = $1', r.int(1, s.hot), `upd ${r.int(0, 1e6)}`)],
    insert: (r) => [q('INSERT INTO events (user_id, kind, payload) VALUES ($1, $2, $3)', r.int(1, 1000), 'click', 'app')],
    other: (r) => [q('SELECT count(*) FROM events WHERE user_id = $1 AND id < 1000', r.int(1, 1000))],
  };
}

const same = (app) => ({ old: app, new: app });
const usersUntouched = [{ table: ['users'], where: (s) => `id > ${s.hot} AND id <= ${s.rows}` }];

// ---------------------------------------------------------------- scenarios

export const SCENARIOS = [
  {
    name: 'add-column-volatile-default',
    title: 'add column with a volatile default',
    tables: ['users', 'events'],
    migration: 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();',
    down: 'ALTER TABLE users DROP COLUMN token;',
    app: { old: usersApp(), new: usersApp({ read: ['token'] }) },
    untouched: usersUntouched,
    equal: [{ label: 'rows without a token', needs: ['users.token'], sql: 'SELECT count(*) FROM users WHERE token IS NULL' }],
  },
  {
    name: 'add-not-null-column-default',
    title: 'add NOT NULL column, existing rows get the DEFAULT',
    tables: ['users', 'events'],
    migration: "ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';",
    down: 'ALTER TABLE users DROP COLUMN plan;',
    app: { old: usersApp(), new: usersApp({ read: ['plan'], insert: (r) => ({ plan: r.pick(['free', 'pro']) }) }) },
    untouched: usersUntouched,
    equal: [],
  },
  {
    name: 'add-not-null-column-fill',
    title: 'add NOT NULL column, no default (value for existing rows given to the plan)',
    tables: ['users', 'events'],
    migration: 'ALTER TABLE users ADD COLUMN region_id integer NOT NULL;',
    down: 'ALTER TABLE users DROP COLUMN region_id;',
    planOptions: { fill: { 'users.region_id': 'id % 10 + 1' } },
    app: { old: usersApp(), new: usersApp({ read: ['region_id'], insert: (r) => ({ region_id: r.int(1, 10) }) }) },
    untouched: usersUntouched,
    equal: [{ label: 'rows without a region', needs: ['users.region_id'], sql: 'SELECT count(*) FROM users WHERE region_id IS NULL' }],
  },
  {
    name: 'add-column-backfill-not-null',
    title: 'add column, backfill it, then NOT NULL',
    tables: ['users', 'events'],
    migration: "ALTER TABLE users ADD COLUMN email_domain text;\nUPDATE users SET email_domain = split_part(email, '@', 2);\nALTER TABLE users ALTER COLUMN email_domain SET NOT NULL;",
    down: 'ALTER TABLE users DROP COLUMN email_domain;',
    app: {
      old: usersApp(),
      new: usersApp({
        read: ['email_domain'],
        insert: (r, s) => ({ email: `m${s.seq}@mail7.example`, email_domain: 'mail7.example' }),
        update: (r) => {
          const d = `mail${r.int(0, 49)}.example`;
          return { email: `upd${r.int(0, 1e6)}@${d}`, email_domain: d };
        },
      }),
    },
    untouched: usersUntouched,
    equal: [{ label: "rows whose email_domain is not the email's", needs: ['users.email_domain'], sql: "SELECT count(*) FROM users WHERE email_domain IS DISTINCT FROM split_part(email, '@', 2)" }],
  },
  {
    name: 'computed-column',
    title: 'computed-column backfill (display_name from first and last name)',
    tables: ['users', 'events'],
    migration: "ALTER TABLE users ADD COLUMN display_name text;\nUPDATE users SET display_name = first_name || ' ' || last_name;",
    down: 'ALTER TABLE users DROP COLUMN display_name;',
    app: {
      old: usersApp({ update: (r) => ({ first_name: `F${r.int(0, 1e6)}`, last_name: `L${r.int(0, 999)}` }) }),
      new: usersApp({
        read: ['display_name'],
        insert: (r, s) => ({ first_name: `F${s.seq}`, last_name: 'Lnew', display_name: `F${s.seq} Lnew` }),
        update: (r) => {
          const f = `F${r.int(0, 1e6)}`;
          const l = `L${r.int(0, 999)}`;
          return { first_name: f, last_name: l, display_name: `${f} ${l}` };
        },
      }),
    },
    untouched: usersUntouched,
    equal: [{ label: 'stale display names', needs: ['users.display_name'], sql: "SELECT count(*) FROM users WHERE display_name IS DISTINCT FROM first_name || ' ' || last_name" }],
  },
  {
    name: 'rename-column',
    title: 'rename column (users.email → email_address)',
    tables: ['users', 'events'],
    migration: 'ALTER TABLE users RENAME COLUMN email TO email_address;',
    down: 'ALTER TABLE users RENAME COLUMN email_address TO email;',
    app: { old: usersApp(), new: usersApp({ email: 'email_address' }) },
    untouched: usersUntouched,
    equal: [{ label: 'rows where email and email_address differ', needs: ['users.email', 'users.email_address'], sql: 'SELECT count(*) FROM users WHERE email IS DISTINCT FROM email_address' }],
  },
  {
    name: 'rename-column-behind-long-read',
    title: 'rename column, each step behind a long read transaction',
    tables: ['users', 'events'],
    migration: 'ALTER TABLE users RENAME COLUMN email TO email_address;',
    down: 'ALTER TABLE users RENAME COLUMN email_address TO email;',
    longRead: { table: 'users' },
    app: { old: usersApp(), new: usersApp({ email: 'email_address' }) },
    untouched: usersUntouched,
    equal: [{ label: 'rows where email and email_address differ', needs: ['users.email', 'users.email_address'], sql: 'SELECT count(*) FROM users WHERE email IS DISTINCT FROM email_address' }],
  },
  {
    name: 'rename-table',
    title: 'rename table (orders → purchases)',
    tables: ['orders', 'users'],
    main: ['orders'],
    migration: 'ALTER TABLE orders RENAME TO purchases;',
    down: 'ALTER TABLE purchases RENAME TO orders;',
    app: { old: ordersApp(), new: ordersApp({ table: 'purchases' }) },
    untouched: [{ table: ['orders', 'purchases'], where: (s) => `id > ${s.hot} AND id <= ${s.rows}` }],
    equal: [],
  },
  {
    name: 'int-to-bigint',
    title: 'int → bigint on a column (accounts.balance)',
    tables: ['accounts', 'transfers'],
    main: ['accounts'],
    migration: 'ALTER TABLE accounts ALTER COLUMN balance TYPE bigint;',
    down: 'ALTER TABLE accounts ALTER COLUMN balance TYPE integer;',
    app: { old: accountsApp(), new: accountsApp({ big: true }) },
    switchBack: 'UPDATE accounts SET balance = 0 WHERE balance > 2147483647',
    untouched: [{ table: ['accounts'], where: (s) => `id > ${s.hot} AND id <= ${s.rows}` }],
    equal: [
      { label: 'balance_new behind balance', needs: ['accounts.balance_new'], sql: 'SELECT count(*) FROM accounts WHERE balance_new IS DISTINCT FROM balance' },
      { label: 'balance_old behind balance', needs: ['accounts.balance_old'], sql: 'SELECT count(*) FROM accounts WHERE balance <= 2147483647 AND balance_old IS DISTINCT FROM balance' },
    ],
  },
  {
    name: 'int-to-bigint-pk',
    title: 'int → bigint on a primary key referenced by foreign keys (accounts.id ← transfers.account_id, holds.account_id nullable)',
    tables: ['accounts', 'transfers', 'holds'],
    main: ['accounts', 'transfers'],
    migration: 'ALTER TABLE accounts ALTER COLUMN id TYPE bigint;',
    down: 'ALTER TABLE accounts ALTER COLUMN id TYPE integer;',
    app: { old: accountsApp({ holds: true }), new: accountsApp({ bigKeys: true, holds: true }) },
    switchBack: 'DELETE FROM transfers WHERE account_id > 2147483647; DELETE FROM holds WHERE account_id > 2147483647; DELETE FROM accounts WHERE id > 2147483647',
    untouched: [
      { table: ['accounts'], where: (s) => `id > ${s.hot} AND id <= ${s.rows}` },
      { table: ['transfers'], where: (s) => `id <= ${s.rows}` },
      { table: ['holds'], where: (s) => `id <= ${Math.min(s.rows, 1000)}` },
    ],
    equal: [
      { label: 'accounts.id_new behind id', needs: ['accounts.id_new'], sql: 'SELECT count(*) FROM accounts WHERE id_new IS DISTINCT FROM id' },
      { label: 'accounts.id_old behind id', needs: ['accounts.id_old'], sql: 'SELECT count(*) FROM accounts WHERE id <= 2147483647 AND id_old IS DISTINCT FROM id' },
      { label: 'transfers.account_id_new behind account_id', needs: ['transfers.account_id_new'], sql: 'SELECT count(*) FROM transfers WHERE account_id_new IS DISTINCT FROM account_id' },
      { label: 'transfers.account_id_old behind account_id', needs: ['transfers.account_id_old'], sql: 'SELECT count(*) FROM transfers WHERE account_id <= 2147483647 AND account_id_old IS DISTINCT FROM account_id' },
      { label: 'holds.account_id_new behind account_id', needs: ['holds.account_id_new'], sql: 'SELECT count(*) FROM holds WHERE account_id_new IS DISTINCT FROM account_id' },
      { label: 'holds.account_id_old behind account_id', needs: ['holds.account_id_old'], sql: 'SELECT count(*) FROM holds WHERE account_id <= 2147483647 AND account_id_old IS DISTINCT FROM account_id' },
    ],
  },
  {
    name: 'text-to-varchar',
    title: 'text → varchar(16) (users.code)',
    tables: ['users', 'events'],
    migration: 'ALTER TABLE users ALTER COLUMN code TYPE varchar(16);',
    down: 'ALTER TABLE users ALTER COLUMN code TYPE text;',
    app: same(usersApp({ read: ['code'] })),
    untouched: usersUntouched,
    equal: [
      { label: 'code_new behind code', needs: ['users.code_new'], sql: 'SELECT count(*) FROM users WHERE code_new IS DISTINCT FROM code' },
      { label: 'code_old behind code', needs: ['users.code_old'], sql: 'SELECT count(*) FROM users WHERE code_old IS DISTINCT FROM code' },
    ],
  },
  {
    name: 'add-index',
    title: 'add index',
    tables: ['users', 'events'],
    migration: 'CREATE INDEX users_name_idx ON users (name);',
    down: 'DROP INDEX users_name_idx;',
    app: same(usersApp()),
    untouched: usersUntouched,
    equal: [],
  },
  {
    name: 'add-unique-constraint',
    title: 'add unique constraint',
    tables: ['users', 'events'],
    migration: 'ALTER TABLE users ADD CONSTRAINT users_handle_key UNIQUE (handle);',
    down: 'ALTER TABLE users DROP CONSTRAINT users_handle_key;',
    app: same(usersApp()),
    untouched: usersUntouched,
    equal: [],
  },
  {
    name: 'add-foreign-key',
    title: 'add foreign key (orders.user_id → users.id)',
    tables: ['orders', 'users'],
    main: ['orders', 'users'],
    migration: 'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);',
    down: 'ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;',
    app: same(ordersApp({ valid: true })),
    untouched: [{ table: ['orders'], where: (s) => `id > ${s.hot} AND id <= ${s.rows}` }],
    equal: [],
  },
  {
    name: 'add-check',
    title: 'add check constraint',
    tables: ['orders', 'users'],
    main: ['orders'],
    migration: 'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);',
    down: 'ALTER TABLE orders DROP CONSTRAINT orders_total_check;',
    app: same(ordersApp()),
    untouched: [{ table: ['orders'], where: (s) => `id > ${s.hot} AND id <= ${s.rows}` }],
    equal: [],
  },
  {
    name: 'set-not-null',
    title: 'set NOT NULL',
    tables: ['users', 'events'],
    migration: 'ALTER TABLE users ALTER COLUMN name SET NOT NULL;',
    down: 'ALTER TABLE users ALTER COLUMN name DROP NOT NULL;',
    app: same(usersApp()),
    untouched: usersUntouched,
    equal: [],
  },
  {
    name: 'drop-column',
    title: 'drop column',
    tables: ['users', 'events'],
    migration: 'ALTER TABLE users DROP COLUMN legacy_note;',
    down: 'ALTER TABLE users ADD COLUMN legacy_note text;',
    app: { old: usersApp({ read: ['legacy_note'] }), new: usersApp({ legacy: false }) },
    untouched: usersUntouched,
    equal: [],
  },
  {
    name: 'drop-table',
    title: 'drop table',
    tables: ['users', 'events', 'legacy_events'],
    main: ['users', 'legacy_events'],
    migration: 'DROP TABLE legacy_events;',
    down: 'CREATE TABLE legacy_events (id bigserial PRIMARY KEY, user_id bigint, payload text);',
    app: {
      old: usersApp({ other: (r) => [q('INSERT INTO legacy_events (user_id, payload) VALUES ($1, $2)', r.int(1, 1000), 'old app')] }),
      new: usersApp(),
    },
    untouched: usersUntouched,
    equal: [],
  },
  {
    name: 'vacuum-full',
    title: 'VACUUM FULL (events): pg_repack instead',
    tables: ['events'],
    main: ['events'],
    migration: 'VACUUM FULL events;',
    down: '',
    // the plan's phase is a pg_repack command: the run needs the client and the extension (Debian: postgresql-15-repack)
    needs: 'pg_repack',
    app: same(eventsApp()),
    untouched: [{ table: ['events'], where: (s) => `id > ${s.hot} AND id <= ${s.rows}` }],
    equal: [],
  },
  {
    name: 'batched-delete',
    title: 'batched delete (events of kind debug)',
    tables: ['events'],
    main: ['events'],
    migration: "DELETE FROM events WHERE kind = 'debug';",
    down: '',
    app: same(eventsApp()),
    untouched: [{ table: ['events'], where: (s) => `id > ${s.hot} AND id <= ${s.rows} AND kind <> 'debug'` }],
    equal: [],
  },
];

/** Schema DDL (the migration history) of a scenario's tables, and the statements that fill them. */
export function setupSql(scenario, sizes) {
  const main = new Set(scenario.main ?? [scenario.tables[0]]);
  const history = [];
  const fill = [];
  const indexes = [];
  for (const t of scenario.tables) {
    const def = TABLES[t];
    history.push(`${def.ddl};`, ...def.indexes.map((i) => `${i};`));
    fill.push(def.fill(main.has(t) ? sizes.rows : Math.min(sizes.rows, 1000), sizes));
    indexes.push(...def.indexes);
  }
  return {
    history: history.join('\n'),
    tables: scenario.tables.map((t) => TABLES[t].ddl),
    fill,
    indexes,
  };
}
