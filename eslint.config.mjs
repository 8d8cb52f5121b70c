import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

// Pure layers never do I/O: only apps (and the store, which owns etcd) may reach these.
const ioPackages = ['fastify', 'etcd3', '@grpc/grpc-js', '@grpc/grpc-js-xds', 'pino'];

const constraints = (extra = []) => [
  {
    sourceTag: 'layer:model',
    onlyDependOnLibsWithTags: ['layer:model', ...extra],
    bannedExternalImports: ioPackages,
  },
  {
    sourceTag: 'layer:protos',
    onlyDependOnLibsWithTags: ['layer:protos', ...extra],
    bannedExternalImports: ioPackages,
  },
  {
    sourceTag: 'layer:policy',
    onlyDependOnLibsWithTags: ['layer:model', ...extra],
    bannedExternalImports: ioPackages,
  },
  {
    sourceTag: 'layer:xds',
    onlyDependOnLibsWithTags: ['layer:model', 'layer:policy', 'layer:protos', ...extra],
    bannedExternalImports: ioPackages,
  },
  {
    sourceTag: 'layer:store',
    onlyDependOnLibsWithTags: ['layer:model', ...extra],
    bannedExternalImports: ['fastify', '@grpc/grpc-js', '@grpc/grpc-js-xds'],
  },
  {
    sourceTag: 'layer:auth',
    onlyDependOnLibsWithTags: ['layer:auth', 'layer:model', 'layer:store', ...extra],
    bannedExternalImports: ['fastify', '@grpc/grpc-js', '@grpc/grpc-js-xds'],
  },
  {
    sourceTag: 'layer:identity',
    onlyDependOnLibsWithTags: ['layer:identity', 'layer:model', 'layer:store', ...extra],
    bannedExternalImports: ['fastify', '@grpc/grpc-js', '@grpc/grpc-js-xds'],
  },
  { sourceTag: 'layer:testing', onlyDependOnLibsWithTags: ['layer:model'] },
  {
    sourceTag: 'layer:client',
    onlyDependOnLibsWithTags: ['layer:model', ...extra],
    bannedExternalImports: ioPackages,
  },
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: [
      'layer:model',
      'layer:policy',
      'layer:xds',
      'layer:protos',
      'layer:store',
      'layer:auth',
      'layer:identity',
      'layer:testing',
      'layer:client',
    ],
  },
];

const boundaries = (extra) => [
  'error',
  { enforceBuildableLibDependency: false, allow: [], depConstraints: constraints(extra) },
];

export default [
  { ignores: ['**/node_modules', '**/dist', '**/.nx', '**/coverage'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts', '**/*.mts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@nx/enforce-module-boundaries': boundaries([]),
    },
  },
  {
    // Tests of any layer may use the real infrastructure in libs/testing.
    files: ['**/*.test.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@nx/enforce-module-boundaries': boundaries(['layer:testing']),
    },
  },
  {
    files: ['**/vitest.config.ts', '**/vite.config.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    // `npm start` runs the control plane (an app) in the API's process: the one app import.
    files: ['apps/api/src/main.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: ['@crossway/controlplane'],
          depConstraints: constraints([]),
        },
      ],
    },
  },
  prettier,
];
