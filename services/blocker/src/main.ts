#!/usr/bin/env node
import { serviceMain } from '@telfraud/common';
import { blockerSettings, loadBlockerConfig } from './config.js';
import { startBlocker } from './blocker-service.js';

// Only wiring.
await serviceMain({ name: 'blocker', settings: blockerSettings, load: () => loadBlockerConfig(), start: startBlocker });
