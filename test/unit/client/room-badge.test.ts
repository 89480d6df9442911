/**
 * The room badge in a private match. The match scene calls `showCode` on every frame (about 44
 * times a second): the badge must not rebuild its elements while the code stays the same, or a
 * click (mouse-down and mouse-up on the same button) misses and the "Copied!" feedback, or the
 * link shown where no clipboard can be written, is wiped on the next frame.
 *
 * The project has no DOM library for unit tests: a small stand-in DOM (below) implements just the
 * element API the badge uses.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  browserClipboard,
  COPIED_LABEL,
  COPIED_MS,
  COPY_BY_HAND_LABEL,
  COPY_LABEL,
  RoomBadge,
} from "../../../client/src/ui/room-badge.ts";

class FakeElement {
  children: FakeElement[] = [];
  parent: FakeElement | null = null;
  dataset: Record<string, string> = {};
  style: Record<string, string> = {};
  attributes: Record<string, string> = {};
  hidden = false;
  className = "";
  id = "";
  type = "";
  value = "";
  readOnly = false;
  selected = false;
  focused = false;
  private text = "";
  private readonly listeners = new Map<string, (() => void)[]>();

  constructor(readonly tagName: string) {}

  get textContent(): string {
    return this.children.length > 0 ? this.children.map((c) => c.textContent).join("") : this.text;
  }

  set textContent(text: string) {
    this.replaceChildren();
    this.text = text;
  }

  get isConnected(): boolean {
    let node: FakeElement | null = this.parent;
    while (node !== null && node.tagName !== "html") node = node.parent;
    return node !== null;
  }

  append(...nodes: FakeElement[]): void {
    for (const node of nodes) {
      node.remove();
      node.parent = this;
      this.children.push(node);
    }
  }

  replaceChildren(...nodes: FakeElement[]): void {
    for (const child of this.children) child.parent = null;
    this.children = [];
    this.text = "";
    this.append(...nodes);
  }

  remove(): void {
    if (this.parent === null) return;
    this.parent.children = this.parent.children.filter((c) => c !== this);
    this.parent = null;
  }

  addEventListener(type: string, listener: () => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  dispatch(type: string): void {
    for (const listener of this.listeners.get(type) ?? []) listener();
  }

  setAttribute(name: string, value: string): void {
    this.attributes[name] = value;
  }

  focus(): void {
    this.focused = true;
    this.dispatch("focus");
  }

  select(): void {
    this.selected = true;
  }

  blur(): void {
    this.focused = false;
  }

  find(predicate: (e: FakeElement) => boolean): FakeElement | undefined {
    for (const child of this.children) {
      if (predicate(child)) return child;
      const found = child.find(predicate);
      if (found !== undefined) return found;
    }
    return undefined;
  }
}

function fakeDocument() {
  const html = new FakeElement("html");
  const head = new FakeElement("head");
  const body = new FakeElement("body");
  html.append(head, body);
  return {
    head,
    body,
    createElement: (tag: string) => new FakeElement(tag),
    getElementById: (id: string) => html.find((e) => e.id === id) ?? null,
  };
}

let doc: ReturnType<typeof fakeDocument>;

beforeEach(() => {
  doc = fakeDocument();
  vi.stubGlobal("document", doc);
  vi.stubGlobal("location", { origin: "https://arena.example" });
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function badgeIn(clipboard: (text: string) => Promise<boolean>) {
  const badge = new RoomBadge(doc.body as unknown as HTMLElement, clipboard);
  const root = badge.element as unknown as FakeElement;
  const button = (): FakeElement => root.find((e) => e.tagName === "button")!;
  const link = (): FakeElement => root.find((e) => e.dataset["testid"] === "invite-link")!;
  return { badge, root, button, link };
}

/** What a frame of the match does: show the code again. */
function frames(badge: RoomBadge, code: string, n: number): void {
  for (let i = 0; i < n; i++) badge.showCode(code);
}

describe("room badge", () => {
  it("keeps the same elements while the code stays the same (no rebuild per frame)", () => {
    const { badge, root, button } = badgeIn(async () => true);
    badge.showCode("K7PQ2M");
    const first = button();
    const children = [...root.children];
    frames(badge, "K7PQ2M", 44);
    expect(button()).toBe(first);
    expect(root.children).toEqual(children);
    expect(first.isConnected).toBe(true);
    expect(root.hidden).toBe(false);
    expect(root.find((e) => e.dataset["testid"] === "room-code")?.textContent).toBe("K7PQ2M");
  });

  it("copies the invite link on a click between frames and says so until the label resets", async () => {
    const copied: string[] = [];
    const { badge, button } = badgeIn(async (text) => {
      copied.push(text);
      return true;
    });
    badge.showCode("K7PQ2M");
    const target = button();
    frames(badge, "K7PQ2M", 7); // mouse-down … 150 ms of frames … mouse-up on the same button
    target.dispatch("click");
    await vi.advanceTimersByTimeAsync(0);
    frames(badge, "K7PQ2M", 10);
    expect(copied).toEqual(["https://arena.example/?room=K7PQ2M"]);
    expect(button()).toBe(target);
    expect(button().textContent).toBe(COPIED_LABEL);
    await vi.advanceTimersByTimeAsync(COPIED_MS);
    frames(badge, "K7PQ2M", 1);
    expect(button().textContent).toBe(COPY_LABEL);
  });

  it("shows the link, selected, where the clipboard cannot be written, and keeps it shown", async () => {
    const { badge, button, link } = badgeIn(async () => false);
    badge.showCode("K7PQ2M");
    expect(link().hidden).toBe(true);
    button().dispatch("click");
    await vi.advanceTimersByTimeAsync(0);
    frames(badge, "K7PQ2M", 44);
    expect(button().textContent).toBe(COPY_BY_HAND_LABEL);
    expect(link().hidden).toBe(false);
    expect(link().value).toBe("https://arena.example/?room=K7PQ2M");
    expect(link().readOnly).toBe(true);
    expect(link().selected).toBe(true);
    expect(link().focused).toBe(true);
    // Copied by hand: the feedback, and the keys go back to the game.
    link().dispatch("copy");
    frames(badge, "K7PQ2M", 3);
    expect(button().textContent).toBe(COPIED_LABEL);
    expect(link().focused).toBe(false);
  });

  it("rebuilds for another code, and switches to and from watching", () => {
    const { badge, root, button } = badgeIn(async () => true);
    badge.showCode("K7PQ2M");
    const first = button();
    badge.showCode("ABC234");
    expect(button()).not.toBe(first);
    expect(root.find((e) => e.dataset["testid"] === "room-code")?.textContent).toBe("ABC234");
    badge.showWatching("Ann", "click / Space");
    const watching = root.textContent;
    expect(watching).toBe("Watching · following Ann · click / Space: next pilot");
    badge.showWatching("Ann", "click / Space");
    expect(root.textContent).toBe(watching);
    // A touch screen has no Space key: a tap follows the next pilot.
    badge.showWatching("Ann", "Tap");
    expect(root.textContent).toBe("Watching · following Ann · Tap: next pilot");
    badge.showCode("ABC234");
    expect(button().textContent).toBe(COPY_LABEL);
  });

  it("reports no clipboard where the page has none (not a secure context)", async () => {
    vi.stubGlobal("navigator", {});
    expect(await browserClipboard("x")).toBe(false);
    vi.stubGlobal("navigator", { clipboard: { writeText: () => Promise.reject(new Error("NotAllowedError")) } });
    expect(await browserClipboard("x")).toBe(false);
    vi.stubGlobal("navigator", { clipboard: { writeText: () => Promise.resolve() } });
    expect(await browserClipboard("x")).toBe(true);
  });
});
