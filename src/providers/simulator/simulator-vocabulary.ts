/** The simulator's small bilingual vocabulary: whole sentences, so generated text reads naturally. */

export type SimLanguage = 'en' | 'zh';

export const SENTENCES: Readonly<Record<SimLanguage, readonly string[]>> = {
  en: [
    'This answer comes from the Zhongshu simulator, which needs no network and no API key.',
    'The hub routes every request to the deployment that best fits its business level and budget.',
    'Each call is metered, priced from the served deployment, and written to the ledger exactly once.',
    'Streaming responses arrive token by token, at the rate configured for this deployment.',
    'When a provider fails before the first byte, the hub retries or falls back to another deployment.',
    'Prompt templates are versioned assets, so teams can review and roll back changes safely.',
    'Virtual keys are stored only as hashes, and each key is scoped to a tenant and an application.',
    'Capabilities such as vision, tools and long context are declared per deployment.',
    'The same request always produces the same simulated answer, which keeps tests reproducible.',
    'Budgets can be hard or soft, and a soft budget may degrade traffic to a cheaper tier.',
    'Latency and token rate are configurable, so dashboards show realistic numbers.',
    'Usage figures in this response are counted with a real tokenizer.',
  ],
  zh: [
    '这是中枢模拟器生成的回答，无需联网，也无需任何 API 密钥。',
    '中枢会根据业务等级和预算，把每个请求路由到最合适的部署。',
    '每一次调用都会被计量，按实际服务的部署定价，并且只记一次账。',
    '流式响应按照该部署配置的速率逐个令牌返回。',
    '如果上游在首字节之前失败，中枢会重试或切换到另一个部署。',
    '提示词模板是有版本的共享资产，团队可以安全地审阅和回滚。',
    '虚拟密钥只保存哈希值，每个密钥都限定在一个租户和一个应用之内。',
    '视觉、工具调用和长上下文等能力按部署声明。',
    '相同的请求总是得到相同的模拟回答，测试因此可以复现。',
    '预算可以是硬性的也可以是软性的，软预算可以把流量降级到更便宜的档位。',
    '延迟和生成速率都可以配置，仪表盘因此能显示真实的数字。',
    '本次响应中的用量由真实的分词器统计。',
  ],
};

export const REASONING: Readonly<Record<SimLanguage, readonly string[]>> = {
  en: [
    'First, restate what the user is asking for.',
    'Next, check which facts are needed and whether any tool could provide them.',
    'Then outline a short, direct answer.',
    'Finally, make sure the answer is consistent with the earlier messages.',
  ],
  zh: ['首先，复述用户的问题。', '接着，确认需要哪些事实，以及是否有工具可以提供。', '然后，拟定一个简短直接的回答。', '最后，确认回答与之前的对话一致。'],
};

/** Values for generated string fields, by a hint in the property name. */
export const SAMPLE_STRINGS: Readonly<Record<string, readonly string[]>> = {
  city: ['Beijing', 'Shanghai', 'Shenzhen', 'Hangzhou', 'Chengdu'],
  name: ['Zhang Wei', 'Li Na', 'Wang Fang', 'Alex Chen'],
  query: ['quarterly revenue', 'contract renewal terms', 'weather forecast'],
  generic: ['example', 'sample value', 'zhongshu', '示例'],
};

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

export function detectLanguage(text: string): SimLanguage {
  return CJK.test(text) ? 'zh' : 'en';
}
