/** Browser entry: styles, then the game in `#game`. */
import "./style.css";
import { StartGame } from "./game/StartGame.ts";

StartGame("game");
