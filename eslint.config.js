import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (folder, forbidden, why) => ({
  files: [`${folder}/**/*.ts`],
  rules: {
    'no-restricted-imports': ['error', { patterns: forbidden.map((f) => ({ group: [`**/${f}/**`, `../${f}/*`, `../../${f}/*`], message: why })) }],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'manifest/build/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js'] }, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Only bot/config.ts reads the environment.' }],
    },
  },
  // Layers: cards are pure; db never reaches up into bot/jobs/cards; jobs do not use bot handlers;
  // shared/ is below all of them.
  layer('cards', ['bot', 'db', 'jobs'], 'cards/ holds pure templates and view models: no bot/, db/ or jobs/ imports.'),
  layer('db', ['bot', 'jobs', 'cards'], 'db/ is the core: it must not import bot/, jobs/ or cards/.'),
  layer('jobs', ['bot/teams', 'bot/http'], 'jobs/ call db services and hand messages to the outbox.'),
  layer('shared', ['bot', 'db', 'jobs', 'cards', 'scripts'], 'shared/ holds what every layer may import (London time, text limits): it imports none of them.'),
  {
    files: ['bot/config.ts', 'scripts/**/*.ts', 'test/**/*.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
