/** The `{name}` placeholders of a route path, as a union: `'/inbox/{userId}'` → `'userId'`. */
export type ParamNames<Path extends string> = Path extends `${string}{${infer Name}}${infer Rest}`
  ? Name | ParamNames<Rest>
  : never;

/** The channel parameters a route captures: `RouteParams<'/inbox/{userId}'>` is `{ readonly userId: string }`. */
export type RouteParams<Path extends string> = { readonly [Name in ParamNames<Path>]: string };
