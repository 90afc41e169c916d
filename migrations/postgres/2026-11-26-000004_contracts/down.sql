DROP TABLE contract_amendments;
DROP TABLE contracts;
