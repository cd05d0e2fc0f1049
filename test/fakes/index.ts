/** Fake upstream servers for tests. See README.md in this folder. */
export { startOpenAiFake } from './openai-fake.js';
export { startAnthropicFake, anthropicErrorJson } from './anthropic-fake.js';
export type {
  FakeBehaviour,
  FakeMeter,
  FakeOptions,
  FakeToolCall,
  FakeUpstream,
  OkBehaviour,
  OpenAiFakeOptions,
  OpenAiFlavor,
  AnthropicFakeOptions,
  ReceivedRequest,
  StatusBehaviour,
} from './fake-types.js';
export { fakeEmbedding } from './openai-fake-embeddings.js';
export { countTokens } from './fake-content.js';
