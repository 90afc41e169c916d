DROP TABLE delivery_files;
DROP TABLE deliveries;
DROP TABLE contract_amendments;
DROP TABLE contracts;
