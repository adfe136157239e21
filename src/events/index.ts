export type { EventBus } from './eventBus';
export { MemoryEventBus } from './memoryEventBus';
export { RedisEventBus } from './redisEventBus';
