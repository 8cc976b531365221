#!/usr/bin/env node
import { serviceMain } from '@telfraud/common';
import { alertSinkSettings, loadAlertSinkConfig } from './config.js';
import { startAlertSink } from './sink-service.js';

// Only wiring.
await serviceMain({ name: 'alert-sink', settings: alertSinkSettings, load: () => loadAlertSinkConfig(), start: startAlertSink });
