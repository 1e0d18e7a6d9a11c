export declare const SUPPORTED: ReadonlyArray<{ readonly major: number; readonly minor: number }>;
export declare const ENGINES_RANGE: string;
export declare function isSupported(version: string): boolean;
export declare function requireSupportedNode(what: string, version?: string): void;
