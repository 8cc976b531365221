#!/usr/bin/env node
import { serviceMain } from '@telfraud/common';
import { detectorConfig, loadDetectorConfig } from './config.js';
import { startDetector } from './detector-service.js';

// Only wiring.
await serviceMain({ name: 'detector', settings: detectorConfig, load: () => loadDetectorConfig(), start: startDetector });
