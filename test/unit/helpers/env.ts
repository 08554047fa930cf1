/** Configuration the handlers read, set before any handler runs (config is parsed lazily). */
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
process.env.TABLE_NAME = 'unit-table';
process.env.PROVISION_STATE_MACHINE_ARN =
  'arn:aws:states:us-east-1:000000000000:stateMachine:provision-environment';
process.env.DESTROY_STATE_MACHINE_ARN =
  'arn:aws:states:us-east-1:000000000000:stateMachine:destroy-environment';
process.env.USER_POOL_ID = 'us-east-1_UnitTest1';
process.env.USER_POOL_CLIENT_ID = 'unitclient';
process.env.SERVICE_ACCOUNT_CLIENT_ID = 'unitsaclient';
process.env.SIMULATION_TIME_SCALE = '0';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.MAX_BODY_BYTES = '4096';
