export declare const SCENARIOS: string;
export declare function misplacedTests(repo: string, files: readonly string[]): string[];
