#!/usr/bin/env node
import { serviceMain } from '@telfraud/common';
import { generatorSettings, loadGeneratorConfig } from './config.js';
import { startGeneratorService } from './stream/generator-service.js';

// Only wiring.
await serviceMain({ name: 'generator', settings: generatorSettings, load: () => loadGeneratorConfig(), start: startGeneratorService });
