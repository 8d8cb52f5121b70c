// The store's objects as the policy layer takes them, kept in step with the
// informer: each object validated once per resourceVersion (an unchanged object is
// never validated again). Invalid stored objects are left out and logged once.
// After the store went back in revision (restored from an older backup) an equal
// resourceVersion can name other content, so that sync validates everything anew.
import { validateStoredObject, type CrosswayObject, type ValidatedObject } from '@crossway/model';
import type { WatchEvent } from '@crossway/store';
import type { Logger } from 'pino';

interface Cached {
  resourceVersion: string | undefined;
  /** undefined: the stored object does not validate. */
  object: ValidatedObject | undefined;
}

function keyOf(object: CrosswayObject): string {
  return `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

export class ObjectCache {
  private readonly objects = new Map<string, Cached>();

  constructor(private readonly logger: Logger) {}

  /**
   * Replaces the whole state (the informer's onSync). `revisionWentBack`: keep nothing
   * from before, as resourceVersions may have been reused for other content.
   */
  replace(items: readonly CrosswayObject[], options: { revisionWentBack?: boolean } = {}): void {
    const previous =
      options.revisionWentBack === true ? new Map<string, Cached>() : new Map(this.objects);
    this.objects.clear();
    for (const item of items) {
      const key = keyOf(item);
      const known = previous.get(key);
      if (known && known.resourceVersion === item.metadata.resourceVersion)
        this.objects.set(key, known);
      else this.put(key, item);
    }
  }

  /**
   * Applies watch events in order (the informer's onEvents). False when none changed
   * an object (e.g. status writes, which keep the resourceVersion).
   */
  apply(
    events: readonly WatchEvent[],
    onChange?: (
      kind: string,
      before: ValidatedObject | undefined,
      after: ValidatedObject | undefined,
    ) => void,
  ): boolean {
    let changed = false;
    for (const event of events) {
      const key = keyOf(event.object);
      const before = this.objects.get(key);
      if (event.type === 'DELETED') {
        if (this.objects.delete(key)) {
          changed = true;
          onChange?.(event.object.kind, before?.object, undefined);
        }
      } else if (before?.resourceVersion !== event.object.metadata.resourceVersion) {
        this.put(key, event.object);
        changed = true;
        onChange?.(event.object.kind, before?.object, this.objects.get(key)?.object);
      }
    }
    return changed;
  }

  /**
   * What the cache holds, valid or not, sorted by kind, namespace and name: for the
   * /debug/objects document, to compare with a fresh read of the store.
   */
  digest(): { kind: string; namespace?: string; name: string; resourceVersion?: string }[] {
    return [...this.objects.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, cached]) => {
        const [kind = '', namespace = '', ...name] = key.split('/');
        return {
          kind,
          ...(namespace === '' ? {} : { namespace }),
          name: name.join('/'),
          ...(cached.resourceVersion === undefined
            ? {}
            : { resourceVersion: cached.resourceVersion }),
        };
      });
  }

  /** Every valid object, in a stable order. */
  validObjects(): ValidatedObject[] {
    return [...this.objects.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .flatMap(([, cached]) => (cached.object ? [cached.object] : []));
  }

  private put(key: string, stored: CrosswayObject): void {
    const object = validateStoredObject(stored);
    if (!object)
      this.logger.warn(
        { object: key, resourceVersion: stored.metadata.resourceVersion },
        'stored object is invalid: left out of every snapshot',
      );
    this.objects.set(key, { resourceVersion: stored.metadata.resourceVersion, object });
  }
}
