// A virtualised list with fixed row height on @tanstack/virtual-core: only the rows in
// view (plus an overscan) are in the DOM, so lists of 10,000+ items stay responsive.
// The caller renders each row; rows are absolutely positioned inside a spacer as tall
// as the whole list, in a scroll box of `height` pixels.
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useReducer, useRef, useState } from 'preact/hooks';
import {
  elementScroll,
  observeElementOffset,
  observeElementRect,
  Virtualizer,
} from '@tanstack/virtual-core';

export interface VirtualListProps<T> {
  items: readonly T[];
  /** Pixel height of every row (fixed: no measuring). */
  rowHeight: number;
  /** Pixel height of the scroll box. */
  height: number;
  /** Stable key of an item (e.g. "ns/name"). */
  itemKey: (item: T, index: number) => string;
  renderRow: (item: T, index: number) => ComponentChildren;
  /** Rows rendered beyond the visible ones on each side. */
  overscan?: number;
  /** Accessible name of the list. */
  label: string;
  /** Shown instead of the box when there are no items. */
  empty?: ComponentChildren;
  /** A header row above the box (column titles), not scrolled. */
  header?: ComponentChildren;
}

export function VirtualList<T>({
  items,
  rowHeight,
  height,
  itemKey,
  renderRow,
  overscan = 8,
  label,
  empty,
  header,
}: VirtualListProps<T>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const [virtualizer] = useState(
    () =>
      new Virtualizer<HTMLDivElement, Element>({
        count: items.length,
        getScrollElement: () => scrollRef.current,
        estimateSize: () => rowHeight,
        overscan,
        scrollToFn: elementScroll,
        observeElementOffset,
        // Before layout (or where there is none, as in a DOM emulator) the box reports a
        // height of 0 and nothing would render: fall back to the height we set on it.
        observeElementRect: (instance, cb) =>
          observeElementRect(instance, (rect) =>
            cb(rect.height > 0 ? rect : { width: rect.width, height }),
          ),
        initialRect: { width: 0, height },
        onChange: () => rerender(0),
      }),
  );
  virtualizer.setOptions({
    ...virtualizer.options,
    count: items.length,
    estimateSize: () => rowHeight,
    overscan,
    getItemKey: (index) => {
      const item = items[index];
      return item === undefined ? index : itemKey(item, index);
    },
  });
  useLayoutEffect(() => virtualizer._willUpdate());
  useEffect(() => virtualizer._didMount(), [virtualizer]);

  if (items.length === 0 && empty !== undefined) return <>{empty}</>;
  return (
    <div class="virtual-list-frame">
      {header}
      <div
        ref={scrollRef}
        class="virtual-list"
        role="list"
        aria-label={label}
        aria-rowcount={items.length}
        style={{ height: `${height}px` }}
      >
        <div style={{ height: `${virtualizer.getTotalSize()}px`, position: 'relative' }}>
          {virtualizer.getVirtualItems().map((row) => {
            const item = items[row.index];
            if (item === undefined) return null;
            return (
              <div
                key={row.key}
                role="listitem"
                class="virtual-row"
                data-index={row.index}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: `${rowHeight}px`,
                  transform: `translateY(${row.start}px)`,
                }}
              >
                {renderRow(item, row.index)}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
