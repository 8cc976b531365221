#!/usr/bin/env node
import { serviceMain } from '@telfraud/common';
import { socSettings, loadSocConfig } from './config.js';
import { startSoc } from './soc-service.js';

// Only wiring.
await serviceMain({ name: 'soc', settings: socSettings, load: () => loadSocConfig(), start: startSoc });
