import { GraphQLRequestError, errorMessage } from "./graphql-client";

/** Messages per form field, plus one for whatever belongs to no field. */
export interface FormErrors<F extends string> {
  fields: Partial<Record<F, string>>;
  general: string | null;
}

/**
 * Place a server error next to the field it names (`extensions.field`, sent with BAD_USER_INPUT and CONFLICT),
 * or in the form's general slot (FORBIDDEN, NOT_FOUND, a lost connection, a field this form does not show).
 */
export function serverFormErrors<F extends string>(error: unknown, fields: readonly F[]): FormErrors<F> {
  if (error === null || error === undefined) return { fields: {}, general: null };
  if (error instanceof GraphQLRequestError) {
    const field = error.errors[0]?.extensions?.field;
    if (typeof field === "string" && (fields as readonly string[]).includes(field)) {
      return { fields: { [field]: error.message } as Partial<Record<F, string>>, general: null };
    }
    if (error.code === "FORBIDDEN") {
      return { fields: {}, general: `Not allowed: ${error.message}` };
    }
  }
  return { fields: {}, general: errorMessage(error) };
}

/** Client-side messages win for a field until the form is submitted again; then the server's. */
export function mergeFormErrors<F extends string>(
  client: Partial<Record<F, string>>,
  server: FormErrors<F>,
): FormErrors<F> {
  return { fields: { ...server.fields, ...client }, general: server.general };
}

export function hasErrors<F extends string>(errors: Partial<Record<F, string>>): boolean {
  return Object.values(errors).some((v) => typeof v === "string" && v.length > 0);
}
