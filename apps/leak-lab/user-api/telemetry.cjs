// What a user scenario file gets when it imports "@beamlab/telemetry": the very modules leak-lab runs
// (load-scenario.ts puts them on globalThis and aliases the import here).
module.exports = globalThis[Symbol.for("beamlab.leak-lab.user-api")].telemetry;
