#!/usr/bin/env node
import { serviceMain } from '@telfraud/common';
import { registryConfig, loadRegistryConfig } from './config.js';
import { startSchemaRegistry } from './registry-app.js';

// Only wiring.
await serviceMain({ name: 'schema-registry', settings: registryConfig, load: () => loadRegistryConfig(), start: startSchemaRegistry });
