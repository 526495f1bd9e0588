// jest 30 ignores `testTimeout` inside a project entry: the e2e project sets it here instead
// (Docker builds and failovers take minutes, hooks included).
jest.setTimeout(600_000);
