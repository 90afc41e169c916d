DROP TABLE contract_stoppages;
