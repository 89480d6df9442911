/**
 * The menu's "live now" panel: the newest server-wide events (net/live-feed.ts), newest
 * first, each with how long ago it happened, or a line saying why the list is empty. Text is
 * always set with `textContent`: pilot names in events show as typed, never as HTML.
 */
import type { LiveEvent } from "../../../shared/live.ts";
import type { LiveFeedStatus } from "../net/live-feed.ts";

/** "just now", "12 s ago", "3 min ago", "2 h ago", "4 d ago" (a future time is "just now"). */
export function formatAgo(ms: number): string {
  const s = Math.floor(Math.max(0, ms) / 1000);
  if (s < 5) return "just now";
  if (s < 60) return `${s} s ago`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 24) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

/** What an empty panel says in each state of the feed. */
export function emptyLiveText(status: LiveFeedStatus): string {
  switch (status) {
    case "open":
      return "Quiet right now.";
    case "connecting":
      return "Tuning in…";
    case "reconnecting":
      return "Live feed offline: retrying…";
    case "closed":
      return "Live feed unavailable.";
  }
}

/** Draws the events into a `<section>` holding one list (`ol` or `ul`). */
export class LivePanel {
  private readonly list: HTMLElement;
  private events: readonly LiveEvent[] = [];

  constructor(private readonly section: HTMLElement) {
    const list = section.querySelector("ol, ul");
    if (!(list instanceof HTMLElement)) throw new Error("the live panel needs a list");
    this.list = list;
    this.show([], "connecting", Date.now());
  }

  /** Redraws the list; `now` is epoch ms (for the relative times). */
  show(events: readonly LiveEvent[], status: LiveFeedStatus, now: number): void {
    this.events = events;
    this.section.dataset["status"] = status;
    const doc = this.section.ownerDocument;
    const items = events.map((event) => {
      const li = doc.createElement("li");
      li.dataset["id"] = event.id;
      li.dataset["kind"] = event.kind;
      const text = doc.createElement("span");
      text.className = "live-text";
      text.textContent = event.text;
      text.title = event.text;
      const when = doc.createElement("time");
      when.dateTime = new Date(event.at).toISOString();
      when.title = new Date(event.at).toLocaleTimeString();
      when.textContent = formatAgo(now - event.at);
      li.append(text, when);
      return li;
    });
    if (items.length === 0) {
      const li = doc.createElement("li");
      li.className = "empty";
      li.textContent = emptyLiveText(status);
      items.push(li);
    }
    this.list.replaceChildren(...items);
  }

  /** Refreshes the relative times only (call every second or so). */
  tick(now: number): void {
    const times = this.list.querySelectorAll("time");
    this.events.forEach((event, i) => {
      const el = times[i];
      if (el !== undefined) el.textContent = formatAgo(now - event.at);
    });
  }
}
