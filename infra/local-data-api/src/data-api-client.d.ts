// Types for data-api-client 1.x (it ships none), as far as the conformance tests use it.
declare module 'data-api-client' {
  export interface DataApiClientConfig {
    resourceArn: string;
    secretArn: string;
    database?: string;
    engine?: 'mysql' | 'pg';
    hydrateColumnNames?: boolean;
    options?: Record<string, unknown>;
    formatOptions?: { deserializeDate?: boolean; treatAsLocalDate?: boolean };
  }
  export interface QueryResult {
    records?: any[];
    columnMetadata?: any[];
    numberOfRecordsUpdated?: number;
    insertId?: number;
    updateResults?: { insertId?: number }[];
  }
  export interface Transaction {
    query(sql: string | ((...previous: any[]) => unknown[]), params?: unknown): Transaction;
    rollback(callback: (error: Error, status: unknown) => void): Transaction;
    commit(): Promise<any[]>;
  }
  export interface DataApiClient {
    query(sql: string | Record<string, unknown>, params?: unknown): Promise<QueryResult>;
    transaction(options?: Record<string, unknown>): Transaction;
    beginTransaction(args?: Record<string, unknown>): Promise<{ transactionId: string }>;
    commitTransaction(args: Record<string, unknown>): Promise<{ transactionStatus: string }>;
    rollbackTransaction(args: Record<string, unknown>): Promise<{ transactionStatus: string }>;
    executeStatement(args: Record<string, unknown>): Promise<any>;
    batchExecuteStatement(args: Record<string, unknown>): Promise<any>;
  }
  function init(config: DataApiClientConfig): DataApiClient;
  export default init;
}
