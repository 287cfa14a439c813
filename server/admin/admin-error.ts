/** An admin request that cannot be done; `status` is the HTTP status the JSON API answers with. */
export class AdminError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}
