// `katalyst/react`: reserved entry point for the React hooks, which land with their own issue.
// It exports nothing yet so that imports of the path resolve in bundlers today.
export {};
