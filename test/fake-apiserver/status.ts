// metav1.Status bodies and the error type that carries them through the request handlers.

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: { reason: string; message: string; field: string }[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

export function status(code: number, reason: string, message: string, details?: StatusDetails): Status {
  const s: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
  if (details) s.details = details;
  return s;
}

/** Thrown by handlers; the router turns it into a Status response. */
export class ApiError extends Error {
  readonly status: Status;
  constructor(s: Status) {
    super(s.message);
    this.status = s;
  }
}

/** "pods", "deployments.apps": how the API names a resource in messages. */
export function qualified(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}

export const badRequest = (message: string): ApiError => new ApiError(status(400, 'BadRequest', message));

export const unauthorized = (): Status => status(401, 'Unauthorized', 'Unauthorized');

export function notFound(resource: string, group: string, name: string): ApiError {
  const details: StatusDetails = { name, kind: resource };
  if (group) details.group = group;
  return new ApiError(status(404, 'NotFound', `${qualified(resource, group)} "${name}" not found`, details));
}

export function forbidden(o: {
  user: string;
  verb: string;
  resource: string;
  subresource?: string;
  group?: string;
  namespace?: string;
  name?: string;
}): ApiError {
  const group = o.group ?? '';
  const res = o.subresource ? `${o.resource}/${o.subresource}` : o.resource;
  const scope = o.namespace ? `in the namespace "${o.namespace}"` : 'at the cluster scope';
  const reason = `User "${o.user}" cannot ${o.verb} resource "${res}" in API group "${group}" ${scope}`;
  const q = qualified(o.resource, group);
  const message = o.name ? `${q} "${o.name}" is forbidden: ${reason}` : `${q} is forbidden: ${reason}`;
  const details: StatusDetails = { kind: o.resource };
  if (o.name) details.name = o.name;
  if (group) details.group = group;
  return new ApiError(status(403, 'Forbidden', message, details));
}

/** 422 Invalid; each cause's `detail` is the field error body ("Invalid value: -1: must be ..."). */
export function invalid(
  kind: string,
  name: string,
  causes: { field: string; type: string; detail: string }[],
) {
  const text = causes.map((c) => `${c.field}: ${c.detail}`);
  const message = `${kind} "${name}" is invalid: ${text.length === 1 ? text[0] : `[${text.join(', ')}]`}`;
  return new ApiError(
    status(422, 'Invalid', message, {
      name,
      kind,
      causes: causes.map((c) => ({ reason: `FieldValue${c.type}`, message: c.detail, field: c.field })),
    }),
  );
}

export function expired(requested: string, oldest: number): Status {
  return status(410, 'Expired', `too old resource version: ${requested} (${oldest})`);
}
