export { run, type CliEnvironment } from "./cli.js";
