/** The MySQL/MariaDB server the local stack runs on, whichever way it was found or started. */
export interface Database {
  mysqlUrl: string;
  /** One line for the user: which server, and where its data lives. */
  description: string;
  /** Stops the server if this run started it; nothing otherwise. */
  stop(): Promise<void>;
}
