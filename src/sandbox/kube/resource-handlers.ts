/**
 * The REST verbs on resource paths: get/list/watch/create/update/patch/delete/deletecollection,
 * with pagination (limit/continue), Table output, dryRun and field managers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type MutatingAdmission, SANDBOX_ADMIN } from './admission.ts';
import { badRequest, KubeStatusError, methodNotAllowed } from './errors.ts';
import { bodyType, parseBody, patchTypeOf, queryFlag, queryInt, readBody, sendJson, wantsTable } from './http-io.ts';
import { clone, isPlainObject } from './json-util.ts';
import { applyDefaults } from './kind-rules.ts';
import type { ResourceRequest } from './request-path.ts';
import { apiVersionOf, type ResourceDef } from './resources.ts';
import { type ClusterStore, type DeleteOptions, groupResource, type KubeObject } from './store.ts';
import { NAMESPACES } from './store-create.ts';
import { type IncludeObject, printerFor, tableRow } from './table.ts';
import type { WatchHub } from './watch.ts';

const TABLE_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
const DEFAULT_WATCH_TIMEOUT_MS = 30 * 60_000;

export function verbOf(method: string, r: ResourceRequest, q: URLSearchParams): string {
  switch (method) {
    case 'GET':
      return r.name ? 'get' : r.watchPath || queryFlag(q, 'watch') ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return r.name ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

interface ContinueToken {
  rv: number;
  start: string;
}

function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeContinue(s: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (typeof t?.rv === 'number' && typeof t?.start === 'string') return t;
  } catch {
    // fall through to the error below
  }
  throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

function keyOf(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

export class ResourceHandlers {
  constructor(
    private readonly store: ClusterStore,
    private readonly watches: WatchHub,
    private readonly admission: MutatingAdmission,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, r: ResourceRequest, q: URLSearchParams, verb: string) {
    const { def } = r;
    if (r.subresource && !def.subresources.includes(r.subresource as 'status')) {
      throw new KubeStatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    }
    switch (verb) {
      case 'get':
        return this.get(req, res, r, q);
      case 'list':
        return this.list(req, res, def, r.namespace, q);
      case 'watch':
        return this.watch(req, res, def, r.namespace, q);
      case 'create':
        return this.create(req, res, r, q);
      case 'update':
        return this.update(req, res, r, q);
      case 'patch':
        return this.patch(req, res, r, q);
      case 'delete':
        return this.delete(req, res, r, q);
      case 'deletecollection':
        return this.deleteCollection(res, def, r.namespace, q);
      default:
        throw methodNotAllowed();
    }
  }

  private sendObject(
    req: IncomingMessage,
    res: ServerResponse,
    code: number,
    def: ResourceDef,
    obj: KubeObject,
    q: URLSearchParams,
  ) {
    if (wantsTable(req) && obj.kind === def.kind) {
      sendJson(res, code, this.table(def, [obj], obj.metadata.resourceVersion ?? '', undefined, q), TABLE_TYPE);
    } else sendJson(res, code, obj);
  }

  private table(def: ResourceDef, items: KubeObject[], rv: string, cont: string | undefined, q: URLSearchParams) {
    const printer = printerFor(def, this.store.clock.now());
    const include = (q.get('includeObject') ?? 'Metadata') as IncludeObject;
    return {
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion: rv, ...(cont ? { continue: cont } : {}) },
      columnDefinitions: printer.columns,
      rows: items.map((o) => tableRow(o, printer.row(o), include)),
    };
  }

  private get(req: IncomingMessage, res: ServerResponse, r: ResourceRequest, q: URLSearchParams) {
    const ref = r.def;
    if (r.subresource === 'scale') return sendJson(res, 200, this.store.getScale(ref, r.namespace!, r.name!));
    const obj = this.store.get(ref, r.namespace, r.name!);
    if (!obj) throw notFoundFor(r.def, r.name!);
    this.sendObject(req, res, 200, r.def, obj, q);
  }

  private list(
    req: IncomingMessage,
    res: ServerResponse,
    def: ResourceDef,
    ns: string | undefined,
    q: URLSearchParams,
  ) {
    let items = this.store.select(def, ns, {
      labelSelector: q.get('labelSelector') ?? undefined,
      fieldSelector: q.get('fieldSelector') ?? undefined,
    });
    const contParam = q.get('continue');
    let rv = Number(this.store.resourceVersion());
    if (contParam) {
      // Later pages show the current state, not a snapshot (README); only the token's age is checked.
      const tok = decodeContinue(contParam);
      this.store.assertNotCompacted(tok.rv);
      rv = tok.rv;
      items = items.filter((o) => keyOf(o) > tok.start);
    }
    const limit = queryInt(q, 'limit') ?? 0;
    let cont: string | undefined;
    let remaining: number | undefined;
    if (limit > 0 && items.length > limit) {
      remaining = items.length - limit;
      items = items.slice(0, limit);
      cont = encodeContinue({ rv, start: keyOf(items[items.length - 1]!) });
    }
    if (wantsTable(req)) {
      const t = this.table(
        def,
        items.map((o) => JSON.parse(this.store.serialize(o, def))),
        String(rv),
        cont,
        q,
      );
      return sendJson(res, 200, t, TABLE_TYPE);
    }
    const meta = JSON.stringify({
      resourceVersion: String(rv),
      ...(cont ? { continue: cont, remainingItemCount: remaining } : {}),
    });
    const body = `{"kind":"${def.listKind}","apiVersion":"${apiVersionOf(def)}","metadata":${meta},"items":[${items
      .map((o) => this.store.serialize(o, def))
      .join(',')}]}`;
    sendJson(res, 200, body);
  }

  private watch(
    req: IncomingMessage,
    res: ServerResponse,
    def: ResourceDef,
    ns: string | undefined,
    q: URLSearchParams,
  ) {
    const table = wantsTable(req);
    const timeout = queryInt(q, 'timeoutSeconds');
    this.watches.start(res, {
      def,
      namespace: ns,
      labelSelector: q.get('labelSelector') ?? undefined,
      fieldSelector: q.get('fieldSelector') ?? undefined,
      resourceVersion: q.get('resourceVersion') ?? undefined,
      allowBookmarks: queryFlag(q, 'allowWatchBookmarks'),
      sendInitialEvents: queryFlag(q, 'sendInitialEvents'),
      timeoutMs: timeout !== undefined && timeout > 0 ? timeout * 1000 : DEFAULT_WATCH_TIMEOUT_MS,
      bookmarksRenderable: !table,
      render: table
        ? (o, d) =>
            JSON.stringify(
              this.table(d, [JSON.parse(this.store.serialize(o, d))], o.metadata.resourceVersion ?? '', undefined, q),
            )
        : (o, d) => this.store.serialize(o, d),
    });
  }

  private async objectBody(req: IncomingMessage, r: ResourceRequest): Promise<KubeObject> {
    const body = parseBody(await readBody(req), bodyType(req));
    if (!isPlainObject(body)) throw badRequest('Object in request body is not an object');
    body.metadata ??= {};
    const meta = body.metadata;
    if (r.def.namespaced) {
      if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== r.namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = r.namespace;
    }
    return body as KubeObject;
  }

  private async create(req: IncomingMessage, res: ServerResponse, r: ResourceRequest, q: URLSearchParams) {
    if (r.name || r.subresource) throw methodNotAllowed();
    if (r.def.namespaced && !r.namespace) throw methodNotAllowed();
    const body = await this.objectBody(req, r);
    const opts = writeOpts(req, q);
    // Mutating admission sees the object decoded and defaulted, before a generated name, a uid or
    // validation (those come with the create itself, as on a real server).
    const candidate = clone(body);
    applyDefaults(r.def, candidate, undefined);
    const attrs = {
      operation: 'CREATE' as const,
      def: r.def,
      namespace: r.def.namespaced ? r.namespace : r.def.resource === 'namespaces' ? candidate.metadata.name : undefined,
      object: candidate,
      dryRun: opts.dryRun === true,
      userInfo: SANDBOX_ADMIN,
      fieldManager: opts.fieldManager,
    };
    let input = body;
    // A namespace that does not exist (or is going away) refuses the create before any webhook is
    // called (the NamespaceLifecycle plugin runs first): the store's create reports it.
    const nsMissing = r.def.namespaced && !this.store.get(NAMESPACES, undefined, r.namespace!);
    if (!nsMissing && this.admission.wouldCall(attrs)) {
      const admitted = await this.admission.admit(attrs);
      for (const w of admitted.warnings) res.appendHeader('Warning', `299 - ${JSON.stringify(w)}`);
      input = admitted.object;
    }
    const created = this.store.create(r.def, input, opts);
    this.sendObject(req, res, 201, r.def, created, q);
  }

  private async update(req: IncomingMessage, res: ServerResponse, r: ResourceRequest, q: URLSearchParams) {
    const body = await this.objectBody(req, r);
    if (body.metadata.name !== undefined && body.metadata.name !== r.name) {
      throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${r.name})`);
    }
    body.metadata.name = r.name!;
    const sub = r.subresource as 'status' | 'scale' | undefined;
    const updated = this.store.update(r.def, body, { ...writeOpts(req, q), ...(sub ? { subresource: sub } : {}) });
    this.sendObject(req, res, 200, r.def, updated, q);
  }

  private async patch(req: IncomingMessage, res: ServerResponse, r: ResourceRequest, q: URLSearchParams) {
    const type = patchTypeOf(req);
    const body = parseBody(await readBody(req), type === 'apply' ? 'application/yaml' : 'application/json');
    if (q.has('force') && type !== 'apply') {
      throw new KubeStatusError(
        422,
        'Invalid',
        'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
      );
    }
    const existed = type === 'apply' && this.store.get(r.def, r.namespace, r.name!) !== undefined;
    const sub = r.subresource as 'status' | 'scale' | undefined;
    const out = this.store.patch(r.def, r.namespace, r.name!, type, body, {
      ...writeOpts(req, q),
      ...(sub ? { subresource: sub } : {}),
      force: queryFlag(q, 'force'),
    });
    this.sendObject(req, res, type === 'apply' && !existed ? 201 : 200, r.def, out, q);
  }

  private async delete(req: IncomingMessage, res: ServerResponse, r: ResourceRequest, q: URLSearchParams) {
    if (r.subresource) throw methodNotAllowed();
    const opts = await deleteOpts(req, q);
    const { object, deleted, returnObject } = this.store.deleteWithResult(r.def, r.namespace, r.name!, opts);
    if (!deleted) return sendJson(res, 202, object);
    if (returnObject) return sendJson(res, 200, object);
    const gr = groupResource(r.def);
    sendJson(res, 200, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: r.name, ...(gr.group ? { group: gr.group } : {}), kind: gr.resource, uid: object.metadata.uid },
    });
  }

  private deleteCollection(res: ServerResponse, def: ResourceDef, ns: string | undefined, q: URLSearchParams) {
    const items = this.store.deleteCollection(def, ns, {
      labelSelector: q.get('labelSelector') ?? undefined,
      fieldSelector: q.get('fieldSelector') ?? undefined,
      ...(q.get('dryRun') === 'All' ? { dryRun: true } : {}),
      ...(queryInt(q, 'gracePeriodSeconds') !== undefined
        ? { gracePeriodSeconds: queryInt(q, 'gracePeriodSeconds') }
        : {}),
    });
    sendJson(res, 200, {
      kind: def.listKind,
      apiVersion: apiVersionOf(def),
      metadata: { resourceVersion: this.store.resourceVersion() },
      items,
    });
  }
}

function notFoundFor(def: ResourceDef, name: string): KubeStatusError {
  const q = def.group ? `${def.resource}.${def.group}` : def.resource;
  return new KubeStatusError(404, 'NotFound', `${q} "${name}" not found`, {
    name,
    ...(def.group ? { group: def.group } : {}),
    kind: def.resource,
  });
}

/** The field manager: the query parameter, else the user agent's program name (as the real server does). */
function writeOpts(req: IncomingMessage, q: URLSearchParams): { fieldManager: string; dryRun?: boolean } {
  const fm = q.get('fieldManager');
  if (fm !== null && fm.length > 128) throw badRequest('fieldManager: Too long: may not be more than 128 bytes');
  const ua =
    String(req.headers['user-agent'] ?? 'unknown')
      .split('/')[0]!
      .trim() || 'unknown';
  return { fieldManager: fm || ua, ...(q.get('dryRun') === 'All' ? { dryRun: true } : {}) };
}

async function deleteOpts(req: IncomingMessage, q: URLSearchParams): Promise<DeleteOptions> {
  const body = parseBody(await readBody(req), bodyType(req));
  const b = isPlainObject(body) ? body : {};
  const opts: DeleteOptions = {};
  const grace =
    queryInt(q, 'gracePeriodSeconds') ?? (typeof b.gracePeriodSeconds === 'number' ? b.gracePeriodSeconds : undefined);
  if (grace !== undefined) opts.gracePeriodSeconds = grace;
  if (isPlainObject(b.preconditions)) {
    opts.preconditions = {};
    if (typeof b.preconditions.uid === 'string') opts.preconditions.uid = b.preconditions.uid;
    if (typeof b.preconditions.resourceVersion === 'string')
      opts.preconditions.resourceVersion = b.preconditions.resourceVersion;
  }
  if (q.get('dryRun') === 'All' || (Array.isArray(b.dryRun) && b.dryRun.includes('All'))) opts.dryRun = true;
  return opts;
}
