// Types for eslint.purity.js (plain JavaScript because ESLint loads it directly).
import type { Linter } from 'eslint';

export declare const CORE: string[];
export declare const SHELL: string[];
export declare const purityConfig: Linter.Config;
