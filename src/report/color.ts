import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

/** Colour decision: --color/--no-color, then FORCE_COLOR, then NO_COLOR, then whether the stream is a TTY. */
export function useColor(flag: boolean | undefined, stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (flag !== undefined) return flag;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return !!stream.isTTY;
}

export type Paint = (style: Style, text: string) => string;

export function painter(color: boolean): Paint {
  if (!color) return (_s, t) => t;
  // the decision is made above; styleText must not second-guess it from the environment
  return (s, t) => styleText(s, t, { validateStream: false } as Parameters<typeof styleText>[2]);
}
