import { z } from 'zod';

/** A configuration problem; its message is the one line printed before the process stops. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export type Env = Record<string, string | undefined>;

/**
 * Reads environment variables through zod schemas and collects every problem, so that one run
 * reports all bad variables on a single line, each named.
 */
export class EnvReader {
  private readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  /** The trimmed value, or undefined when unset or empty. */
  raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  /** Parses `name` with `schema`; unset → `fallback`. */
  read<T>(name: string, schema: z.ZodType<T, string>, fallback: T): T;
  read<T>(name: string, schema: z.ZodType<T, string>): T | undefined;
  read<T>(name: string, schema: z.ZodType<T, string>, fallback?: T): T | undefined {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const result = schema.safeParse(raw);
    if (result.success) return result.data;
    this.problem(name, result.error.issues[0]?.message ?? 'is invalid', raw);
    return fallback;
  }

  /** Records a problem with a variable (`raw` is quoted in the message when given). */
  problem(name: string, message: string, raw?: string): void {
    this.problems.push(raw === undefined ? `${name} ${message}` : `${name} ${message} (got "${raw}")`);
  }

  /** Throws one ConfigError naming every bad variable, if any. */
  finish(): void {
    if (this.problems.length > 0) {
      throw new ConfigError(`Invalid configuration: ${this.problems.join('; ')}`);
    }
  }
}

export const intIn = (min: number, max: number): z.ZodType<number, string> => {
  const message = `must be an integer ${min}-${max}`;
  return z
    .string()
    .regex(/^-?\d+$/, message)
    .transform(Number)
    .pipe(z.number().int().min(min, message).max(max, message));
};

export const numberIn = (min: number, max: number): z.ZodType<number, string> => {
  const message = `must be a number ${min}-${max}`;
  return z
    .string()
    .regex(/^\d+(\.\d+)?$/, message)
    .transform(Number)
    .pipe(z.number().min(min, message).max(max, message));
};

export const boolean: z.ZodType<boolean, string> = z
  .string()
  .toLowerCase()
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], 'must be true or false'))
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** `3600`, `90s`, `15m`, `12h`, `7d`, `2w` → seconds. */
export const durationSeconds: z.ZodType<number, string> = z
  .string()
  .regex(/^\d+\s*[smhdw]?$/i, 'must be a duration like 3600, 15m, 12h or 7d')
  .transform((v) => {
    const match = /^(\d+)\s*([smhdw]?)$/i.exec(v);
    const amount = Number(match?.[1] ?? 0);
    return amount * (DURATION_UNITS[(match?.[2] ?? '').toLowerCase()] ?? 1);
  })
  .pipe(z.number().int().min(1, 'must be at least one second'));

/** `256kb`, `1mb`, `1048576` (the format co-body and raw-body accept). */
export const byteSize: z.ZodType<string, string> = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(b|kb|mb|gb)?$/i, 'must be a size like 256kb or 1mb');

function hasScheme(value: string, schemes: readonly string[]): boolean {
  try {
    return schemes.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

const splitList = (value: string): string[] =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

/** A single URL whose scheme is one of `schemes` (`'postgres:'`, ...). */
export const url = (schemes: readonly string[], what: string): z.ZodType<string, string> =>
  z.string().refine((value) => hasScheme(value, schemes), `must be a ${what} URL`);

/** A comma-separated list; every item must pass `accept` (the message names the bad item). */
export const list = (accept: (item: string) => boolean, what: string): z.ZodType<string[], string> =>
  z
    .string()
    .transform(splitList)
    .superRefine((items, ctx) => {
      const bad = items.find((item) => !accept(item));
      if (bad !== undefined) {
        ctx.addIssue({ code: 'custom', message: `must be a comma-separated list of ${what}; "${bad}" is not` });
      }
    });

/** Comma list of URLs with one of the given schemes (`'http:'`, ...). */
export const urlList = (schemes: readonly string[], what: string): z.ZodType<string[], string> =>
  list((item) => hasScheme(item, schemes), what);
