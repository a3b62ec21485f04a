#pragma once
// SQL of sales.customers: the people a location sells to. The records, the CustomerStore interface
// and PgCustomerStore (prepared statements on a unit of work, typed records) are declared in
// customer_records.hpp, free of libpqxx, so that use-case headers can include them.
#include "ims/infra/customer_records.hpp"
