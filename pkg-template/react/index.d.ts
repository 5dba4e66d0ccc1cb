// `katalyst/react`: reserved for the React hooks (not yet available).
export {};
