// What a user scenario file gets when it imports "@beamlab/telemetry" and leak-lab runs from the build
// (load-scenario.ts aliases the import here): the bundled copy leak-lab itself runs.
export * from "@beamlab/telemetry";
