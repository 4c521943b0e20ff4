import { type z } from 'zod';

/** Who may call a method: anyone (login screen), any logged-in user, or a manager. */
export type AccessLevel = 'public' | 'cashier' | 'manager';

export type MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> = {
  readonly input: I;
  readonly output: O;
  readonly access: AccessLevel;
};

export const method = <I extends z.ZodType, O extends z.ZodType>(access: AccessLevel, input: I, output: O): MethodSpec<I, O> => ({
  input,
  output,
  access,
});
