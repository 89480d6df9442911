import { describe, expect, it } from "vitest";
import { RECIPES, recipeLength } from "../../../client/src/audio/recipes.ts";
import { DEFAULT_RATE_LIMITS_MS, SoundBus, SoundNames, type SoundName } from "../../../client/src/audio/sound-bus.ts";

function bus(): { bus: SoundBus; rendered: SoundName[] } {
  const rendered: SoundName[] = [];
  return { bus: new SoundBus({ sink: (name) => rendered.push(name) }), rendered };
}

describe("SoundBus", () => {
  it("plays and records nothing before the first gesture unlocks it", () => {
    const { bus: b, rendered } = bus();
    expect(b.unlocked).toBe(false);
    expect(b.fire("shot", 0)).toBe("locked");
    expect(b.fire("kill", 10)).toBe("locked");
    expect(b.played()).toEqual([]);
    expect(b.suppressed()).toEqual([]);
    expect(rendered).toEqual([]);
    // A locked sound opens no rate-limit window: the first shot after the unlock plays.
    b.unlock(20);
    expect(b.unlocked).toBe(true);
    expect(b.fire("shot", 30)).toBe("played");
    expect(b.played()).toEqual([{ name: "shot", at: 30 }]);
    expect(rendered).toEqual(["shot"]);
  });

  it("limits each sound to one per window, independently of the others", () => {
    const { bus: b } = bus();
    b.unlock(0);
    const results = [0, 20, 59, 60, 100, 125].map((t) => b.fire("shot", t));
    expect(results).toEqual(["played", "limited", "limited", "played", "limited", "played"]);
    // Another sound is not held back by the shots.
    expect(b.fire("hit", 61)).toBe("played");
    expect(b.played().map((s) => `${s.name}@${s.at}`)).toEqual(["shot@0", "shot@60", "shot@125", "hit@61"]);
  });

  it("takes rate limits from its options", () => {
    const b = new SoundBus({ rateLimitsMs: { shot: 0 } });
    b.unlock(0);
    expect([b.fire("shot", 5), b.fire("shot", 5)]).toEqual(["played", "played"]);
  });

  it("records sounds decided while muted as suppressed, and sends nothing to the speakers", () => {
    const { bus: b, rendered } = bus();
    b.unlock(0);
    b.setSilent(true);
    expect(b.fire("kill", 10)).toBe("suppressed");
    // Rate limits still apply while muted.
    expect(b.fire("kill", 20)).toBe("limited");
    expect(b.played()).toEqual([]);
    expect(b.suppressed()).toEqual([{ name: "kill", at: 10 }]);
    expect(rendered).toEqual([]);
    b.setSilent(false);
    expect(b.fire("kill", 500)).toBe("played");
    expect(rendered).toEqual(["kill"]);
  });

  it("keeps a bounded history and hands out copies", () => {
    const b = new SoundBus({ historyLimit: 3, rateLimitsMs: { shot: 0 } });
    b.unlock(0);
    for (let t = 1; t <= 5; t++) b.fire("shot", t);
    const played = b.played();
    expect(played.map((s) => s.at)).toEqual([3, 4, 5]);
    played.length = 0;
    expect(b.played()).toHaveLength(3);
  });

  it("has a rate limit and a recipe for every sound", () => {
    for (const name of SoundNames) {
      expect(DEFAULT_RATE_LIMITS_MS[name]).toBeGreaterThanOrEqual(0);
      expect(RECIPES[name].length).toBeGreaterThan(0);
    }
    expect(DEFAULT_RATE_LIMITS_MS.shot).toBe(60);
  });
});

describe("sound recipes", () => {
  it("are short, audible, and valid for Web Audio's exponential ramps", () => {
    for (const name of SoundNames) {
      expect(recipeLength(name), name).toBeLessThanOrEqual(1.2);
      for (const v of RECIPES[name]) {
        expect(v.from, name).toBeGreaterThan(20);
        expect(v.to, name).toBeGreaterThan(20);
        expect(v.from, name).toBeLessThan(20_000);
        expect(v.peak, name).toBeGreaterThan(0);
        expect(v.peak, name).toBeLessThanOrEqual(0.6);
        expect(v.attack, name).toBeGreaterThan(0);
        expect(v.attack, name).toBeLessThan(v.duration);
        expect(v.start, name).toBeGreaterThanOrEqual(0);
      }
    }
    // Shots repeat five times a second: each is over well before the next.
    expect(recipeLength("shot")).toBeLessThan(0.2);
  });

  it("sound different for hitting and for being hit", () => {
    expect(RECIPES.hit).not.toEqual(RECIPES.hurt);
    expect(RECIPES.kill).not.toEqual(RECIPES.death);
    expect(RECIPES["match-start"]).not.toEqual(RECIPES["match-end"]);
  });
});
