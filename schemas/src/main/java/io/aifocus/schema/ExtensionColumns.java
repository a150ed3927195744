package io.aifocus.schema;

/**
 * aifocus custom column ids ({@code x_} columns of focus_cost_and_usage).
 *
 * <p>The only place column-name literals live; FocusSchemaDriftTest checks these constants against the
 * schema files in both directions.
 */
public final class ExtensionColumns {
  public static final String TEAM = "x_Team";
  public static final String MODEL = "x_Model";
  public static final String SOURCE_KIND = "x_SourceKind";
  public static final String SOURCE_FILE = "x_SourceFile";
  public static final String RUN_ID = "x_RunId";
  public static final String INGESTED_AT = "x_IngestedAt";
  public static final String SERVICE_CODE = "x_ServiceCode";
  public static final String USAGE_TYPE = "x_UsageType";
  public static final String OPERATION = "x_Operation";
  public static final String LINE_ITEM_TYPE = "x_LineItemType";
  public static final String SOURCE_RECORD_ID = "x_SourceRecordId";
  public static final String PRICE_BOOK_VERSION = "x_PriceBookVersion";
  public static final String INPUT_TOKENS = "x_InputTokens";
  public static final String OUTPUT_TOKENS = "x_OutputTokens";
  public static final String CACHED_INPUT_TOKENS = "x_CachedInputTokens";
  public static final String CACHE_WRITE_TOKENS = "x_CacheWriteTokens";
  public static final String REQUESTS = "x_Requests";
  public static final String FEATURE = "x_Feature";
  public static final String CUSTOMER = "x_Customer";
  public static final String WORKFLOW = "x_Workflow";
  public static final String ENDPOINT = "x_Endpoint";
  public static final String REPORTING_CURRENCY = "x_ReportingCurrency";
  public static final String BILLED_COST_IN_REPORTING_CURRENCY = "x_BilledCostInReportingCurrency";
  public static final String EFFECTIVE_COST_IN_REPORTING_CURRENCY = "x_EffectiveCostInReportingCurrency";
  public static final String SOURCE_RECORDS = "x_SourceRecords";
  public static final String WORKFLOW_RUN_ID = "x_WorkflowRunId";
  public static final String DISCOUNTS = "x_Discounts";
  public static final String SPLIT_PARENT_RESOURCE_ID = "x_SplitParentResourceId";
  public static final String SPLIT_COST = "x_SplitCost";
  public static final String SPLIT_UNUSED_COST = "x_SplitUnusedCost";
  public static final String SOURCE_EXTRAS = "x_SourceExtras";

  private ExtensionColumns() {}
}
