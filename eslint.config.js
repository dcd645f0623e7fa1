import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import prettier from 'eslint-config-prettier';

// The layer map (docs/architecture.md): bot/ and jobs/ call db/ services; db/ is the core; cards/ are pure.
const folderPatterns = (folders) => folders.flatMap((f) => [`**/${f}/**`, `../${f}/*`, `../../${f}/*`, `../../../${f}/*`]);
const layer = (files, forbidden, why) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group: folderPatterns(forbidden), message: why }] }] },
});
// Outside db/, only a feature's service (and the composition root's database, schema types and
// domain errors) may be imported: repositories, tables, policies and queries stay inside their feature.
const dbFromOutside = {
  regex: '(^|/)db/(?!(.+/)?[^/]+\\.service\\.js$|database\\.js$|schema\\.js$|errors\\.js$|text-limits\\.js$|time/london-time\\.js$)',
  message:
    'Outside db/, import a feature through its *.service.ts (or db/database, db/schema, db/errors, and the pure db/text-limits and db/time/london-time).',
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'manifest/build/**', 'coverage/**', 'dist/**', 'test/e2e/artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver()],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js'],
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Only bot/config.ts reads the environment.' }],
    },
  },
  {
    files: ['bot/**/*.ts', 'cards/**/*.ts', 'db/**/*.ts', 'jobs/**/*.ts'],
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    files: ['cards/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: folderPatterns(['bot', 'jobs']), message: 'cards/ holds pure templates and view models: no bot/ or jobs/ imports.' },
            // The one clock and the one table of text limits are pure and shared with db/; nothing else of db/.
            {
              regex: '(^|/)db/(?!text-limits\\.js$|time/london-time\\.js$)',
              message: 'cards/ may import only db/text-limits and db/time/london-time of db/.',
            },
          ],
        },
      ],
    },
  },
  layer(['db/**/*.ts'], ['bot', 'jobs', 'cards'], 'db/ is the core: it must not import bot/, jobs/ or cards/.'),
  {
    files: ['jobs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: folderPatterns(['bot']), message: 'jobs/ call db services and hand messages to the outbox; they never import bot/.' },
            dbFromOutside,
          ],
        },
      ],
    },
  },
  {
    files: ['bot/teams/**/*.ts', 'bot/http/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: folderPatterns(['jobs']), message: 'Handlers and routes never import jobs/.' }, dbFromOutside] },
      ],
    },
  },
  {
    files: ['bot/*.ts', 'bot/proactive/**/*.ts', 'bot/views/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [dbFromOutside] }] },
  },
  {
    files: ['bot/config.ts', 'scripts/**/*.ts', 'test/**/*.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  prettier,
);
