import { describe, expect, it } from "vitest";
import { GameSounds, type SoundFrame } from "../../../client/src/audio/game-sounds.ts";
import { SoundBus, type SoundName } from "../../../client/src/audio/sound-bus.ts";
import { Phase } from "../../../shared/sim/world.ts";
import type { Rect } from "../../../shared/map.ts";

const ME = "me";
const FOE = "foe";

type Ship = SoundFrame["players"][number];
type Shot = SoundFrame["projectiles"][number];

const ship = (id: string, over: Partial<Ship> = {}): Ship => ({
  id,
  x: 0,
  y: 0,
  hp: 100,
  alive: true,
  isSelf: id === ME,
  ...over,
});

/** A shot flying along +x from `x`. */
const shot = (id: string, x: number, ownerId = ME, y = 100): Shot => ({ id, ownerId, x, y, dirX: 1, dirY: 0 });

function frame(over: Partial<SoundFrame> = {}): SoundFrame {
  return {
    selfId: ME,
    phase: Phase.Playing,
    players: [ship(ME, { x: 100, y: 100 }), ship(FOE, { x: 400, y: 100 })],
    projectiles: [],
    ...over,
  };
}

/** A watcher on an unlocked bus with no rate limits; `names()` lists what played. */
function setup(walls: readonly Rect[] = []) {
  const bus = new SoundBus({
    rateLimitsMs: Object.fromEntries(
      ["shot", "hit", "hurt", "kill", "death", "respawn", "match-start", "match-end"].map((n) => [n, 0]),
    ),
  });
  bus.unlock(0);
  const sounds = new GameSounds(bus, ME, walls);
  let t = 0;
  return {
    bus,
    feed: (f: SoundFrame) => sounds.frame(f, (t += 16)),
    kill: (killerId: string, victimId: string) => sounds.kill({ killerId, victimId }, (t += 16)),
    names: (): SoundName[] => bus.played().map((s) => s.name),
  };
}

describe("GameSounds", () => {
  it("makes no sound for the state it finds on the first frame", () => {
    const s = setup();
    s.feed(frame({ phase: Phase.Results, projectiles: [shot("1", 150)], players: [ship(ME, { alive: false })] }));
    expect(s.names()).toEqual([]);
  });

  it("sounds each of your new shots once, not other pilots' shots", () => {
    const s = setup();
    s.feed(frame());
    s.feed(frame({ projectiles: [shot("1", 130), shot("2", 300, FOE)] }));
    s.feed(frame({ projectiles: [shot("1", 160), shot("2", 330, FOE)] }));
    s.feed(frame({ projectiles: [shot("1", 190), shot("3", 130)] }));
    expect(s.names()).toEqual(["shot", "shot"]);
  });

  it("rate-limits your shots to one per 60 ms with the default limits", () => {
    const bus = new SoundBus();
    bus.unlock(0);
    const sounds = new GameSounds(bus, ME);
    sounds.frame(frame(), 0);
    sounds.frame(frame({ projectiles: [shot("1", 130)] }), 16);
    sounds.frame(frame({ projectiles: [shot("1", 140), shot("2", 130)] }), 32);
    sounds.frame(frame({ projectiles: [shot("1", 150), shot("2", 140), shot("3", 130)] }), 80);
    expect(bus.played()).toEqual([
      { name: "shot", at: 16 },
      { name: "shot", at: 80 },
    ]);
  });

  it("hears a hit when another ship loses hp with your shot flying at it", () => {
    const s = setup();
    const foe = (hp: number, alive = true) => ship(FOE, { x: 400, y: 100, hp, alive });
    s.feed(frame());
    // Drawn once, 270 px short of the foe (a slow frame rate), then gone as the foe's hp drops.
    s.feed(frame({ projectiles: [shot("1", 130)] }));
    s.feed(frame({ players: [ship(ME), foe(75)] }));
    expect(s.names()).toEqual(["shot", "hit"]);
    // Still drawn when the hp drops (the state runs ahead of the drawn projectiles): one hit.
    s.feed(frame({ players: [ship(ME), foe(75)], projectiles: [shot("2", 300)] }));
    s.feed(frame({ players: [ship(ME), foe(50)], projectiles: [shot("2", 330)] }));
    s.feed(frame({ players: [ship(ME), foe(50)], projectiles: [shot("2", 360)] }));
    expect(s.names()).toEqual(["shot", "hit", "shot", "hit"]);
    // The killing shot: hp 0 and destroyed.
    s.feed(frame({ players: [ship(ME), foe(50)], projectiles: [shot("3", 330)] }));
    s.feed(frame({ players: [ship(ME), foe(0, false)] }));
    expect(s.names()).toEqual(["shot", "hit", "shot", "hit", "shot", "hit"]);
  });

  it("hears no hit when the damage cannot be your shot's", () => {
    const foe = (hp: number, y = 100) => ship(FOE, { x: 400, y, hp });
    // No shot of yours in flight.
    const none = setup();
    none.feed(frame());
    none.feed(frame({ players: [ship(ME), foe(75)] }));
    expect(none.names()).toEqual([]);
    // Your shot flies along y = 100; the foe is 200 px off its line.
    const aside = setup();
    aside.feed(frame({ players: [ship(ME), foe(75, 300)] }));
    aside.feed(frame({ players: [ship(ME), foe(75, 300)], projectiles: [shot("1", 130)] }));
    aside.feed(frame({ players: [ship(ME), foe(50, 300)], projectiles: [shot("1", 160)] }));
    expect(aside.names()).toEqual(["shot"]);
    // Your shot already flew past the foe.
    const past = setup();
    past.feed(frame({ players: [ship(ME), foe(50)] }));
    past.feed(frame({ players: [ship(ME), foe(50)], projectiles: [shot("2", 470)] }));
    past.feed(frame({ players: [ship(ME), foe(25)], projectiles: [shot("2", 500)] }));
    expect(past.names()).toEqual(["shot"]);
    // A shot that hit once counts no more.
    const spent = setup();
    spent.feed(frame({ players: [ship(ME), foe(100)] }));
    spent.feed(frame({ players: [ship(ME), foe(100)], projectiles: [shot("3", 300)] }));
    spent.feed(frame({ players: [ship(ME), foe(75)], projectiles: [shot("3", 330)] }));
    spent.feed(frame({ players: [ship(ME), foe(50)], projectiles: [shot("3", 360)] }));
    expect(spent.names()).toEqual(["shot", "hit"]);
  });

  it("forgets shots that were last drawn longer ago than a projectile lives", () => {
    const bus = new SoundBus();
    bus.unlock(0);
    const sounds = new GameSounds(bus, ME);
    sounds.frame(frame(), 0);
    sounds.frame(frame({ projectiles: [shot("1", 130)] }), 100);
    sounds.frame(frame(), 200);
    sounds.frame(frame({ players: [ship(ME), ship(FOE, { x: 400, y: 100, hp: 75 })] }), 3000);
    expect(bus.played().map((s) => s.name)).toEqual(["shot"]);
  });

  it("hears no hit when a wall stands between your shot and the ship", () => {
    const wall: Rect = { x: 360, y: 60, w: 20, h: 80 };
    const s = setup([wall]);
    s.feed(frame({ players: [ship(ME), ship(FOE, { x: 400, y: 100 })] }));
    s.feed(frame({ projectiles: [shot("1", 320)] }));
    s.feed(frame({ players: [ship(ME), ship(FOE, { x: 400, y: 100, hp: 75 })] }));
    expect(s.names()).toEqual(["shot"]);
  });

  it("hears your kills from the kill events, not other pilots' or your own destruction", () => {
    const s = setup();
    s.feed(frame());
    s.kill(ME, FOE);
    s.kill(FOE, "other");
    s.kill(ME, ME);
    expect(s.names()).toEqual(["kill"]);
  });

  it("hears you being hit, destroyed and respawned from your ship's hp and alive flag", () => {
    const s = setup();
    s.feed(frame());
    s.feed(frame({ players: [ship(ME, { hp: 75 }), ship(FOE)] }));
    s.feed(frame({ players: [ship(ME, { hp: 75 }), ship(FOE)] }));
    s.feed(frame({ players: [ship(ME, { hp: 50 }), ship(FOE)] }));
    s.feed(frame({ players: [ship(ME, { hp: 0, alive: false }), ship(FOE)] }));
    s.feed(frame({ players: [ship(ME, { hp: 0, alive: false }), ship(FOE)] }));
    s.feed(frame({ players: [ship(ME, { hp: 100 }), ship(FOE)] }));
    expect(s.names()).toEqual(["hurt", "hurt", "death", "respawn"]);
  });

  it("hears the match start and end on phase changes", () => {
    const s = setup();
    s.feed(frame({ phase: Phase.Warmup }));
    s.feed(frame({ phase: Phase.Playing }));
    s.feed(frame({ phase: Phase.Playing }));
    s.feed(frame({ phase: Phase.Results }));
    s.feed(frame({ phase: Phase.Results }));
    // A new match: everyone is back at full health at once; that is the start, not a respawn.
    s.feed(frame({ phase: Phase.Results, players: [ship(ME, { alive: false }), ship(FOE)] }));
    s.feed(frame({ phase: Phase.Playing }));
    expect(s.names()).toEqual(["match-start", "match-end", "death", "match-start"]);
  });

  it("fires nothing before the bus is unlocked, then picks up from the current state", () => {
    const bus = new SoundBus();
    const sounds = new GameSounds(bus, ME);
    sounds.frame(frame(), 0);
    sounds.frame(frame({ projectiles: [shot("1", 330)] }), 100);
    sounds.frame(frame({ players: [ship(ME, { hp: 50 }), ship(FOE, { x: 400, y: 100, hp: 75 })] }), 200);
    sounds.kill({ killerId: ME, victimId: FOE }, 300);
    expect(bus.played()).toEqual([]);
    expect(bus.suppressed()).toEqual([]);
    bus.unlock(400);
    sounds.frame(frame({ players: [ship(ME, { hp: 25 }), ship(FOE)] }), 500);
    sounds.kill({ killerId: ME, victimId: FOE }, 600);
    expect(bus.played().map((s) => s.name)).toEqual(["hurt", "kill"]);
  });

  it("makes no sound of its own for a spectator (no ship), but hears the phase", () => {
    const s = setup();
    const watching = { players: [ship(FOE)], projectiles: [shot("9", 100, FOE)] };
    s.feed(frame({ ...watching, phase: Phase.Warmup }));
    s.feed(frame({ ...watching, phase: Phase.Playing, projectiles: [] }));
    expect(s.names()).toEqual(["match-start"]);
  });
});
