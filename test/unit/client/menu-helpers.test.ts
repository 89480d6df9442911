/**
 * The menu's pure helpers: invite links in the page address, the name field's live check, and
 * the ranked queue's wording.
 */
import { describe, expect, it } from "vitest";
import { inviteFromAddress, inviteLink, withoutInvite } from "../../../client/src/net/join-target.ts";
import { rankedQueueLost, rankedSearchText } from "../../../client/src/net/ranked-queue.ts";
import { checkNickname, typedNicknameProblem } from "../../../client/src/ui/nickname.ts";
import { graphemes, NICKNAME_MAX_CODE_UNITS } from "../../../shared/names.ts";

const FAMILY = "👨‍👩‍👧‍👦";

describe("invite links", () => {
  it("reads the code from the address, normalised, and keeps a malformed one to name it", () => {
    expect(inviteFromAddress("?room=k7pq2m")).toEqual({ raw: "k7pq2m", code: "K7PQ2M" });
    expect(inviteFromAddress("?lag=150&room=K7P-Q2M")).toEqual({ raw: "K7P-Q2M", code: "K7PQ2M" });
    expect(inviteFromAddress("?room=AB1")).toEqual({ raw: "AB1", code: null });
    expect(inviteFromAddress("?lag=150")).toBeNull();
    expect(inviteFromAddress("")).toBeNull();
  });

  it("drops the invite from the address once followed, keeping the other parameters", () => {
    expect(withoutInvite("http://h:1/?room=K7PQ2M")).toBe("http://h:1/");
    expect(withoutInvite("http://h:1/?lag=150&room=K7PQ2M&loss=1#x")).toBe("http://h:1/?lag=150&loss=1#x");
    expect(withoutInvite(inviteLink("K7PQ2M", "https://a.example"))).toBe("https://a.example/");
  });
});

describe("the name field's live check", () => {
  it("says why a name over either bound cannot be sent, and never asks to cut it", () => {
    const families = FAMILY.repeat(16);
    expect(graphemes(families)).toHaveLength(16);
    expect(families.length).toBeGreaterThan(NICKNAME_MAX_CODE_UNITS);
    expect(typedNicknameProblem(families)).toMatch(/too long: .*96 UTF-16 code units/);
    expect(typedNicknameProblem("A".repeat(17))).toBe("Nickname is longer than 16 characters.");
    expect(typedNicknameProblem("<b>")).toMatch(/letters, digits, emoji/);
  });

  it("accepts what may be sent, and an empty field (Play generates a name)", () => {
    for (const ok of ["", "   ", "Ann", FAMILY.repeat(8), "🚀".repeat(16), "A".repeat(16)]) {
      expect(typedNicknameProblem(ok)).toBeNull();
    }
    expect(checkNickname(FAMILY.repeat(8))).toEqual({ ok: true, name: FAMILY.repeat(8) });
  });
});

describe("ranked queue wording", () => {
  it("counts pilots in the singular and plural", () => {
    expect(rankedSearchText(1, 1200)).toBe(
      "Searching for a ranked match (rating 1200): 1 pilot found… press again to cancel",
    );
    expect(rankedSearchText(3, null)).toContain("(rating new): 3 pilots found…");
  });

  it("reads a leave you asked for as neutral, and says why the server let you go otherwise", () => {
    expect(rankedQueueLost(4000)).toBe("Left the ranked queue.");
    expect(rankedQueueLost(4001)).toBe("The server is restarting. You are no longer in the ranked queue.");
    expect(rankedQueueLost(4000)).not.toMatch(/code/);
  });
});
