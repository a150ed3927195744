package io.aifocus.schema.source;

/** Header names of the OpenCost custom pricing CSV (sources/opencost-pricing.yaml). */
public final class OpenCostPricingColumns {
  public static final String END_TIMESTAMP = "EndTimestamp";
  public static final String INSTANCE_ID = "InstanceID";
  public static final String REGION = "Region";
  public static final String ASSET_CLASS = "AssetClass";
  public static final String INSTANCE_ID_FIELD = "InstanceIDField";
  public static final String INSTANCE_TYPE = "InstanceType";
  public static final String MARKET_PRICE_HOURLY = "MarketPriceHourly";
  public static final String VERSION = "Version";

  private OpenCostPricingColumns() {}
}
