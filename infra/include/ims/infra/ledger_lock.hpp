#pragma once
// The stock ledger's lock across stock worker replicas: a transaction-scoped PostgreSQL advisory
// lock each stock transaction takes first, so two workers' batches never lock the same stock rows
// in different orders and deadlock (docs/decisions.md, issue 15). Released by commit or rollback.
#include <pqxx/pqxx>

namespace ims::infra {

void lock_stock_ledger(pqxx::work& txn);

}  // namespace ims::infra
