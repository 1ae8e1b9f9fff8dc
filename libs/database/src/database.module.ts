import { Injectable, Logger, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@app/config';
import { buildDataSourceOptions, poolSettingsFor } from './data-source-options';
import { ensureDatabaseExists } from './ensure-database';
import { migrateDatabase } from './run-migrations';

@Injectable()
class MigrationsAtBoot implements OnModuleInit {
  private readonly logger = new Logger('Database');

  constructor(private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    if (!this.config.dbMigrationsRun) return;
    const applied = await migrateDatabase(this.config.databaseUrl);
    if (applied.length > 0) this.logger.log(`Applied migrations: ${applied.join(', ')}`);
  }
}

/** The TypeORM connection for either role; entities are registered by the feature modules. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        await ensureDatabaseExists(config.databaseUrl);
        const options = buildDataSourceOptions(config.databaseUrl, poolSettingsFor(config.role));
        return { ...options, autoLoadEntities: true, retryAttempts: 3, retryDelay: 1000 };
      },
    }),
  ],
  providers: [{ provide: MigrationsAtBoot, useClass: MigrationsAtBoot }],
})
export class DatabaseModule {}
