/**
 * Searches for the ship palette (`SHIP_PALETTE` in shared/palette.ts): `--size` sRGB colours whose
 * smallest pairwise CIEDE2000 difference is as large as possible, among colours legible on the
 * dark arena: WCAG contrast against the floor (0x111726) of at least `--contrast`, CIELAB L*
 * at least `--min-l` and chroma C* at least `--min-chroma` (no greys or whites). Deterministic
 * (seeded). Not run by tests.
 *
 *   npx tsx scripts/palette-search.ts [--size 16] [--contrast 4.5] [--min-l 0] [--min-chroma 30]
 *                                     [--step 5] [--starts 12] [--kicks 30] [--seed 1]
 *
 * With the defaults it takes about 11 minutes on one core (min ΔE00 24.4538, the committed
 * palette); `--step 8` about 2 minutes (24.0985).
 *
 * Method: every colour of an sRGB grid (`--step` per channel, plus 255) that passes the
 * legibility floor is a candidate. From several starts (the candidate farthest from the floor,
 * then seeded random ones) a greedy farthest-point pass picks `--size` colours, each the
 * candidate farthest (in ΔE00) from those already picked. Each result is then improved by swap
 * descent: a colour is replaced by the candidate farthest from the other colours whenever that
 * makes the sorted list of pairwise differences larger (lexicographically: the smallest first),
 * until no swap helps; `--kicks` times the closest pair is moved to random candidates and the
 * descent rerun (iterated local search). The best palette is refined on the full 1-step grid
 * around each colour and printed, ordered so that every prefix is itself well spread (index 0
 * goes to the first pilot of a room, so small rooms get the most distinct colours).
 */
import { ciede2000, contrastRatio, minPairwiseDeltaE, rgbToLab, type Lab } from "../shared/colour.ts";
import { ARENA_BACKGROUND, ARENA_FLOOR } from "../shared/palette.ts";

interface Options {
  size: number;
  contrast: number;
  minL: number;
  /** Least CIELAB chroma C*: no greys or whites (a white hull is the hit flash). */
  minChroma: number;
  step: number;
  starts: number;
  /** Perturbations tried per start (iterated local search). */
  kicks: number;
  seed: number;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { size: 16, contrast: 4.5, minL: 0, minChroma: 30, step: 5, starts: 12, kicks: 30, seed: 1 };
  const keys: Record<string, keyof Options> = {
    "--size": "size",
    "--contrast": "contrast",
    "--min-l": "minL",
    "--min-chroma": "minChroma",
    "--step": "step",
    "--starts": "starts",
    "--kicks": "kicks",
    "--seed": "seed",
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = keys[argv[i] ?? ""];
    const value = Number(argv[i + 1]);
    if (key === undefined || !Number.isFinite(value)) {
      throw new Error(
        "usage: palette-search [--size n] [--contrast r] [--min-l L] [--min-chroma C] [--step s] [--starts n] [--kicks n] [--seed n]",
      );
    }
    options[key] = value;
  }
  return options;
}

/** mulberry32: a small seeded generator (the search must give the same palette every run). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Whether a colour is legible on the arena: the floor of the search. */
function legible(rgb: number, lab: Lab, o: Options): boolean {
  return contrastRatio(rgb, ARENA_FLOOR) >= o.contrast && lab.L >= o.minL && Math.hypot(lab.a, lab.b) >= o.minChroma;
}

function levels(step: number): number[] {
  const out: number[] = [];
  for (let v = 0; v < 255; v += step) out.push(v);
  out.push(255);
  return out;
}

interface Candidates {
  readonly rgb: Int32Array;
  readonly labs: Lab[];
}

function candidates(o: Options): Candidates {
  const rgbs: number[] = [];
  const labs: Lab[] = [];
  const ls = levels(o.step);
  for (const r of ls) {
    for (const g of ls) {
      for (const b of ls) {
        const rgb = (r << 16) | (g << 8) | b;
        const lab = rgbToLab(rgb);
        if (!legible(rgb, lab, o)) continue;
        rgbs.push(rgb);
        labs.push(lab);
      }
    }
  }
  return { rgb: Int32Array.from(rgbs), labs };
}

/** Pairwise ΔE00 of a palette, ascending. */
function sortedPairs(labs: readonly Lab[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < labs.length; i++) {
    for (let j = i + 1; j < labs.length; j++) out.push(ciede2000(labs[i]!, labs[j]!));
  }
  return out.sort((x, y) => x - y);
}

/** True if `a` beats `b`: larger at the first pair where they differ (by more than noise). */
function better(a: readonly number[], b: readonly number[]): boolean {
  for (let k = 0; k < a.length; k++) {
    const d = a[k]! - b[k]!;
    if (d > 1e-9) return true;
    if (d < -1e-9) return false;
  }
  return false;
}

/** Greedy farthest-point selection of `size` candidates, starting from candidate `first`. */
function greedy(c: Candidates, first: number, size: number): number[] {
  const n = c.labs.length;
  const nearest = new Float64Array(n).fill(Infinity);
  const picked = [first];
  let last = first;
  while (picked.length < size) {
    let best = -1;
    let bestD = -1;
    const lastLab = c.labs[last]!;
    for (let k = 0; k < n; k++) {
      const d = ciede2000(lastLab, c.labs[k]!);
      if (d < nearest[k]!) nearest[k] = d;
      if (nearest[k]! > bestD) {
        bestD = nearest[k]!;
        best = k;
      }
    }
    picked.push(best);
    last = best;
  }
  return picked;
}

/** A palette being improved: colours and their Lab values. */
interface Palette {
  rgb: number[];
  labs: Lab[];
}

/**
 * Swap descent on the grid: for each colour in turn, the candidate farthest from the other
 * colours replaces it when that improves the sorted pairwise differences; until stable.
 * `dist[k * size + j]` caches ΔE00 from candidate k to colour j (a column is recomputed when
 * its colour changes), so a sweep is array reads, not colour maths.
 */
function improveOnGrid(c: Candidates, members: number[]): number[] {
  const size = members.length;
  const n = c.labs.length;
  const dist = new Float64Array(n * size);
  const fillColumn = (j: number): void => {
    const lab = c.labs[members[j]!]!;
    for (let k = 0; k < n; k++) dist[k * size + j] = ciede2000(c.labs[k]!, lab);
  };
  for (let j = 0; j < size; j++) fillColumn(j);
  let score = sortedPairs(members.map((k) => c.labs[k]!));
  for (let pass = 0; pass < 1000; pass++) {
    let changed = false;
    for (let i = 0; i < size; i++) {
      let best = members[i]!;
      let bestD = -1;
      for (let k = 0; k < n; k++) {
        let d = Infinity;
        const row = k * size;
        for (let j = 0; j < size; j++) {
          if (j === i) continue;
          const e = dist[row + j]!;
          if (e < d) {
            d = e;
            if (d <= bestD) break;
          }
        }
        if (d > bestD) {
          bestD = d;
          best = k;
        }
      }
      if (best === members[i]) continue;
      const next = members.slice();
      next[i] = best;
      const nextScore = sortedPairs(next.map((k) => c.labs[k]!));
      if (better(nextScore, score)) {
        members = next;
        score = nextScore;
        fillColumn(i);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return members;
}

/**
 * Iterated local search from one start: descend, then `kicks` times move the two colours of
 * the closest pair to random candidates and descend again, keeping the best palette seen.
 */
function searchFrom(c: Candidates, first: number, o: Options, random: () => number): number[] {
  let best = improveOnGrid(c, greedy(c, first, o.size));
  let bestScore = sortedPairs(best.map((k) => c.labs[k]!));
  for (let kick = 0; kick < o.kicks; kick++) {
    const { i, j } = minPairwiseDeltaE(best.map((k) => c.rgb[k]!));
    const start = best.slice();
    start[i] = Math.floor(random() * c.labs.length);
    start[j] = Math.floor(random() * c.labs.length);
    // A random third colour too, now and then, to leave deeper basins.
    if (kick % 3 === 2) start[Math.floor(random() * start.length)] = Math.floor(random() * c.labs.length);
    const tried = improveOnGrid(c, start);
    const score = sortedPairs(tried.map((k) => c.labs[k]!));
    if (better(score, bestScore)) {
      best = tried;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Swap descent over arbitrary pools (the fine refinement): a colour is replaced by the pool's
 * colour farthest from the others when that improves the sorted pairwise differences.
 */
function improve(p: Palette, pool: (i: number) => Iterable<[number, Lab]>): Palette {
  let score = sortedPairs(p.labs);
  for (let pass = 0; pass < 200; pass++) {
    let changed = false;
    for (let i = 0; i < p.rgb.length; i++) {
      const others = p.labs.filter((_, j) => j !== i);
      let bestRgb = p.rgb[i]!;
      let bestLab = p.labs[i]!;
      let bestD = Math.min(...others.map((o) => ciede2000(bestLab, o)));
      for (const [rgb, lab] of pool(i)) {
        let d = Infinity;
        for (const o of others) {
          const e = ciede2000(lab, o);
          if (e < d) d = e;
          if (d <= bestD) break;
        }
        if (d > bestD) {
          bestD = d;
          bestRgb = rgb;
          bestLab = lab;
        }
      }
      if (bestRgb === p.rgb[i]) continue;
      const labs = p.labs.slice();
      labs[i] = bestLab;
      const next = sortedPairs(labs);
      if (better(next, score)) {
        p = { rgb: p.rgb.map((v, j) => (j === i ? bestRgb : v)), labs };
        score = next;
        changed = true;
      }
    }
    if (!changed) break;
  }
  return p;
}

/** The legible colours within `radius` per channel of `rgb`, on the 1-step grid. */
function* neighbourhood(rgb: number, radius: number, o: Options): Iterable<[number, Lab]> {
  const r0 = (rgb >> 16) & 0xff;
  const g0 = (rgb >> 8) & 0xff;
  const b0 = rgb & 0xff;
  for (let r = Math.max(0, r0 - radius); r <= Math.min(255, r0 + radius); r++) {
    for (let g = Math.max(0, g0 - radius); g <= Math.min(255, g0 + radius); g++) {
      for (let b = Math.max(0, b0 - radius); b <= Math.min(255, b0 + radius); b++) {
        const c = (r << 16) | (g << 8) | b;
        const lab = rgbToLab(c);
        if (legible(c, lab, o)) yield [c, lab];
      }
    }
  }
}

/** Orders a palette so that every prefix is spread: each next colour the farthest from those before. */
function spreadOrder(p: Palette): number[] {
  const n = p.rgb.length;
  const nn = (i: number, among: readonly number[]): number =>
    Math.min(...among.filter((j) => j !== i).map((j) => ciede2000(p.labs[i]!, p.labs[j]!)));
  const all = [...Array(n).keys()];
  // Start with the colour whose nearest neighbour is farthest.
  let first = 0;
  for (const i of all) if (nn(i, all) > nn(first, all)) first = i;
  const order = [first];
  while (order.length < n) {
    let best = -1;
    let bestD = -1;
    for (const i of all) {
      if (order.includes(i)) continue;
      const d = nn(i, order);
      if (d > bestD) {
        bestD = d;
        best = i;
      }
    }
    order.push(best);
  }
  return order.map((i) => p.rgb[i]!);
}

function hex(rgb: number): string {
  return `0x${rgb.toString(16).padStart(6, "0")}`;
}

function main(): void {
  const o = parseOptions(process.argv.slice(2));
  const started = performance.now();
  const c = candidates(o);
  if (c.labs.length < o.size) throw new Error(`only ${c.labs.length} legible candidates`);
  console.log(
    `${c.labs.length} legible candidates (contrast >= ${o.contrast}:1 on ${hex(ARENA_FLOOR)}, L* >= ${o.minL}, ` +
      `C* >= ${o.minChroma}, step ${o.step})`,
  );

  // Starts: the candidate farthest from the floor, then seeded random ones.
  const floorLab = rgbToLab(ARENA_FLOOR);
  let far = 0;
  for (let k = 0; k < c.labs.length; k++) {
    if (ciede2000(c.labs[k]!, floorLab) > ciede2000(c.labs[far]!, floorLab)) far = k;
  }
  const random = rng(o.seed);
  const starts = [far];
  while (starts.length < o.starts) starts.push(Math.floor(random() * c.labs.length));

  let best: Palette | null = null;
  let bestScore: number[] = [];
  for (const [s, first] of starts.entries()) {
    const greedyMin = sortedPairs(greedy(c, first, o.size).map((k) => c.labs[k]!))[0]!;
    const picked = searchFrom(c, first, o, random);
    const p: Palette = { rgb: picked.map((k) => c.rgb[k]!), labs: picked.map((k) => c.labs[k]!) };
    const score = sortedPairs(p.labs);
    console.log(`start ${s}: greedy min ${greedyMin.toFixed(2)}, after local search ${score[0]!.toFixed(3)}`);
    if (best === null || better(score, bestScore)) {
      best = p;
      bestScore = score;
    }
  }
  if (best === null) throw new Error("no palette");
  // Fine refinement on the 1-step grid around each colour.
  const coarse = bestScore[0]!;
  best = improve(best, (i) => neighbourhood(best!.rgb[i]!, Math.ceil(o.step / 2) + 1, o));
  const palette = spreadOrder(best);
  const { min, i, j } = minPairwiseDeltaE(palette);

  console.log(`\nbest after swaps ${coarse.toFixed(3)}, after fine refinement ${min.toFixed(3)}`);
  console.log(`closest pair: ${hex(palette[i]!)} / ${hex(palette[j]!)}`);
  for (const rgb of palette) {
    const lab = rgbToLab(rgb);
    console.log(
      `  ${hex(rgb)}  L* ${lab.L.toFixed(1).padStart(5)}  C* ${Math.hypot(lab.a, lab.b)
        .toFixed(1)
        .padStart(5)}  contrast ${contrastRatio(rgb, ARENA_FLOOR).toFixed(2)} (floor) ${contrastRatio(
        rgb,
        ARENA_BACKGROUND,
      ).toFixed(2)} (background)`,
    );
  }
  const rows: string[] = [];
  for (let k = 0; k < palette.length; k += 8)
    rows.push(
      `  ${palette
        .slice(k, k + 8)
        .map(hex)
        .join(", ")},`,
    );
  console.log(`\n[\n${rows.join("\n")}\n]`);
  console.log(`min pairwise ΔE00 ${min.toFixed(4)}; ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main();
