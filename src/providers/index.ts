/**
 * The one list of provider adapters, by kind. Adding a vendor = a folder + a line here.
 */
import type { ProviderAdapter } from '../core/provider.js';
import { createAnthropicAdapter } from './anthropic/anthropic-adapter.js';
import { createAzureOpenAiAdapter } from './azure-openai/azure-openai-adapter.js';
import { createDeepSeekAdapter } from './deepseek/deepseek-adapter.js';
import { createMoonshotAdapter } from './moonshot/moonshot-adapter.js';
import { createOpenAiCompatibleProviderAdapter } from './openai-compatible/openai-compatible-adapter.js';
import { createOpenAiAdapter } from './openai/openai-adapter.js';
import { createQwenAdapter } from './qwen/qwen-adapter.js';
import { createSimulatorAdapter } from './simulator/simulator-adapter.js';
import { createVolcengineAdapter } from './volcengine/volcengine-adapter.js';
import { createZhipuAdapter } from './zhipu/zhipu-adapter.js';

export function createAdapterRegistry(): ReadonlyMap<string, ProviderAdapter> {
  const adapters: ProviderAdapter[] = [
    createOpenAiAdapter(),
    createAzureOpenAiAdapter(),
    createAnthropicAdapter(),
    createDeepSeekAdapter(),
    createZhipuAdapter(),
    createQwenAdapter(),
    createMoonshotAdapter(),
    createVolcengineAdapter(),
    createOpenAiCompatibleProviderAdapter(),
    createSimulatorAdapter(),
  ];
  return new Map(adapters.map((a) => [a.kind, a]));
}
