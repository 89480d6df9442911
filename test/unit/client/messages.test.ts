import { describe, expect, it } from "vitest";
import { describeClose, describeJoinError } from "../../../client/src/net/messages.ts";
import { resolveServerUrl } from "../../../client/src/net/server-url.ts";
import { checkNickname, loadNickname, saveNickname } from "../../../client/src/ui/nickname.ts";

describe("describeClose", () => {
  it("explains the server's close codes", () => {
    expect(describeClose(4000)).toBe("You left the match.");
    expect(describeClose(4001)).toMatch(/restarting/);
    expect(describeClose(4002, "malformed input frame")).toBe("Disconnected by the server: malformed input frame.");
    expect(describeClose(1006)).toBe("Lost the connection to the server.");
    expect(describeClose(4003)).toMatch(/could not reconnect/);
    expect(describeClose(4500)).toMatch(/server error/);
    expect(describeClose(4321, "")).toBe("Disconnected (code 4321).");
  });
});

describe("describeJoinError", () => {
  it("names the server when it cannot be reached", () => {
    expect(describeJoinError(new TypeError("Failed to fetch"), "http://x:1")).toBe(
      "Cannot reach the game server at http://x:1.",
    );
    expect(describeJoinError(new Error("Failed to fetch"), "http://x:1")).toMatch(/Cannot reach/);
    // Node's fetch, as the bots see it, wrapped by the SDK in a plain Error.
    expect(describeJoinError(new Error("fetch failed"), "http://x:1")).toMatch(/Cannot reach/);
  });

  it("turns the server's name rejection into a sentence", () => {
    expect(describeJoinError(new Error("invalid join options: name: nickname is empty"), "u")).toBe(
      "Name rejected: nickname is empty.",
    );
    expect(describeJoinError(new Error("room is full"), "u")).toBe("Could not join a match: room is full");
    expect(describeJoinError(undefined, "u")).toBe("Could not join a match.");
  });
});

describe("resolveServerUrl", () => {
  const location = { protocol: "http:", hostname: "127.0.0.1", origin: "http://127.0.0.1:5173" };

  it("prefers VITE_SERVER_URL", () => {
    expect(resolveServerUrl({ VITE_SERVER_URL: "https://game.example/", DEV: true }, location)).toBe(
      "https://game.example",
    );
  });

  it("uses the game server's port beside the Vite dev server", () => {
    expect(resolveServerUrl({ DEV: true }, location)).toBe("http://127.0.0.1:2567");
    expect(resolveServerUrl({ DEV: true }, { ...location, hostname: "::1" })).toBe("http://[::1]:2567");
    expect(resolveServerUrl({ DEV: true }, { ...location, hostname: "[::1]" })).toBe("http://[::1]:2567");
  });

  it("follows the PORT npm run dev was given (VITE_GAME_PORT)", () => {
    expect(resolveServerUrl({ DEV: true, VITE_GAME_PORT: "3113" }, location)).toBe("http://127.0.0.1:3113");
    expect(resolveServerUrl({ DEV: true, VITE_GAME_PORT: "nonsense" }, location)).toBe("http://127.0.0.1:2567");
    // Production serves the client from the game server itself.
    expect(resolveServerUrl({ DEV: false, VITE_GAME_PORT: "3113" }, location)).toBe("http://127.0.0.1:5173");
  });

  it("uses the page origin in production", () => {
    expect(resolveServerUrl({ DEV: false, VITE_SERVER_URL: " " }, location)).toBe("http://127.0.0.1:5173");
  });
});

describe("nickname", () => {
  it("accepts and normalises a valid name", () => {
    expect(checkNickname("  Ace   Pilot ")).toEqual({ ok: true, name: "Ace Pilot" });
  });

  it("gives the reason for a refused name", () => {
    expect(checkNickname("   ")).toEqual({ ok: false, reason: "Nickname is empty." });
    const long = checkNickname("x".repeat(17));
    expect(long.ok).toBe(false);
    expect(!long.ok && long.reason).toMatch(/longer than 16/);
    expect(checkNickname("<script>").ok).toBe(false);
  });

  it("remembers the name, and survives storage that throws", () => {
    const data = new Map<string, string>();
    const storage = {
      getItem: (k: string) => data.get(k) ?? null,
      setItem: (k: string, v: string) => void data.set(k, v),
    };
    expect(loadNickname(storage)).toBe("");
    saveNickname("Ace", storage);
    expect(loadNickname(storage)).toBe("Ace");
    const broken = {
      getItem: (): string | null => {
        throw new Error("denied");
      },
      setItem: (): void => {
        throw new Error("denied");
      },
    };
    expect(loadNickname(broken)).toBe("");
    expect(() => saveNickname("Ace", broken)).not.toThrow();
  });
});
