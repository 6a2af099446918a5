// `npm run lint`: ESLint with typescript-eslint over the TypeScript of the repository, and the
// layering of src/ (imports point one way: util -> flux -> multus, network -> pod -> apptemplate -> tree -> apps;
// the rulebook reads util to apptemplate: apptemplate -> rules -> cli).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** What each folder of src/ may not import: everything above it. */
const LAYERS = [
  ['src/knowledge/**', ['util', 'flux', 'cluster', 'multus', 'network', 'pod', 'apptemplate', 'tree', 'apps', 'rules', 'cli']],
  ['src/util/**', ['flux', 'cluster', 'multus', 'network', 'pod', 'apptemplate', 'tree', 'apps', 'rules', 'cli']],
  ['src/flux/**', ['cluster', 'multus', 'network', 'pod', 'apptemplate', 'tree', 'apps', 'rules', 'cli']],
  ['src/cluster/**', ['multus', 'network', 'pod', 'apptemplate', 'tree', 'apps', 'rules', 'cli']],
  ['src/multus/**', ['network', 'pod', 'apptemplate', 'tree', 'apps', 'rules', 'cli']],
  ['src/network/**', ['multus', 'pod', 'apptemplate', 'tree', 'apps', 'rules', 'cli']],
  ['src/pod/**', ['apptemplate', 'tree', 'apps', 'rules', 'cli']],
  ['src/apptemplate/**', ['multus', 'tree', 'apps', 'rules', 'cli']],
  ['src/tree/**', ['multus', 'network', 'pod', 'apptemplate', 'apps', 'rules', 'cli']],
  ['src/apps/**', ['rules', 'cli']],
  ['src/rules/**', ['tree', 'apps', 'cli']],
  ['src/cli/**', ['tree', 'apps']],
];

export default tseslint.config(
  { ignores: ['node_modules/', 'lib/', 'dist/', 'pkg/', 'imports/', 'coverage/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      // `any` is the type of plain manifests and chart values, which the library reads structurally.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'no-type-imports' }],
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration[const=true]', message: 'jsii cannot model const enums' }],
      eqeqeq: ['error', 'always'],
      'prefer-const': 'error',
    },
  },
  ...LAYERS.map(([files, above]) => ({
    files: [files],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: above.map((layer) => ({ group: [`../${layer}/*`, `../${layer}`, `../../${layer}/*`, `../../${layer}`], message: `src/ layers import one way; ${files.split('/')[1]} may not import ${layer}` })),
      }],
    },
  })),
  {
    files: ['scripts/**/*.js', '*.config.js', 'jest*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly', fetch: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
