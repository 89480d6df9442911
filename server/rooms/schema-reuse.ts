/**
 * The one place the server reaches into `@colyseus/schema`'s encoder to reuse a schema instance
 * under its own refId (why: `StateProjector` in project-state.ts). Verified on
 * {@link VERIFIED_SCHEMA_VERSION} (package.json pins it); test/unit/server/schema-reuse.test.ts
 * fails when the installed version differs or the behaviour below changes.
 *
 * What it relies on:
 * - `Root.add` keeps an instance's `$refId` when it has one and, when that refId's reference
 *   count is 0 (it was removed and the removal encoded), re-stages every field as a fresh ADD,
 *   so a client decodes the re-added instance whole, as a new object.
 * - `ChangeTree.recycle()` (the reset behind the library's own `Schema.reset` pooling) clears
 *   what the tree remembers of its last life: dirty buckets, parent links and the per-view
 *   visibility bitmaps, which live on the tree and would otherwise show a reused projectile to
 *   every client that saw the one before. `Schema.reset` would also drop the refId (a reused
 *   instance then costs a fresh, ever larger one), which is the part this module avoids.
 */
import { $changes, type Schema } from "@colyseus/schema";

/** The `@colyseus/schema` release this module was verified on. */
export const VERIFIED_SCHEMA_VERSION = "5.0.34";

interface RecyclableTree {
  readonly root: unknown;
  recycle(): void;
}

/**
 * Makes `instance`, already removed from its collection and that removal encoded, ready to be
 * added again as a new entity: it keeps its refId and forgets every view that saw it.
 */
export function readyForReuse(instance: Schema): void {
  const tree = (instance as unknown as Record<symbol, RecyclableTree | undefined>)[$changes];
  if (tree === undefined || typeof tree.recycle !== "function") {
    throw new Error(
      `@colyseus/schema internals changed (verified on ${VERIFIED_SCHEMA_VERSION}): no ChangeTree.recycle()`,
    );
  }
  tree.recycle();
}
