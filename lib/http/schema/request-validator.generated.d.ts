// Types for the validator that `npm run openapi` generates with ajv (standalone code).
export interface ValidationError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}
export interface Validate {
  (data: unknown): boolean;
  errors?: ValidationError[] | null;
}
export const validate: Validate;
export const validateBlock: Validate;
export const validateErase: Validate;
export const validateUnlink: Validate;
